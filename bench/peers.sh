# Sourced by the benchmarks that compare with notmuch and mu: installs them from Debian's packages
# when missing, and indexes one Maildir with each (notmuch new is incremental; mu indexes once).
#   index_peers <maildir> <notmuch dir> <mu home>     (the notmuch config is "<notmuch dir>.conf")
index_peers() {
  local maildir=$1 notmuch=$2 mu=$3
  if ! command -v notmuch >/dev/null || ! command -v mu >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq notmuch maildir-utils >/dev/null
  fi
  mkdir -p "$notmuch"
  printf '[database]\npath=%s\nmail_root=%s\n[new]\ntags=inbox\n[maildir]\nsynchronize_flags=false\n' "$notmuch" "$maildir" >"$notmuch.conf"
  NOTMUCH_CONFIG="$notmuch.conf" notmuch new --quiet
  [ -d "$mu/xapian" ] || { mu init --muhome="$mu" --maildir="$maildir" >/dev/null; mu index --muhome="$mu" --quiet; }
}
