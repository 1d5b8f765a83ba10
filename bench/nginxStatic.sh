# Sourced by the web benchmarks: writes the config of an nginx serving $1/nginx/root on port $2,
# one worker (the reference Epistola's pages are compared with). Start it with
#   /usr/sbin/nginx -c "$1/nginx/nginx.conf"   and stop it with -s stop.
nginx_static_config() {
  local work=$1 port=$2
  mkdir -p "$work/nginx/root" "$work/nginx/tmp"
  # nginx's workers run as nobody: they must be able to reach the root (mktemp -d makes 0700 dirs).
  chmod a+rx "$work" "$work/nginx" "$work/nginx/root"
  cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp; proxy_temp_path $work/nginx/tmp; fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp; scgi_temp_path $work/nginx/tmp;
  server { listen 127.0.0.1:$port backlog=4096; root $work/nginx/root; location / { default_type text/html; } }
}
CONF
}

# wrk (the load generator) and nginx (the reference), from Debian's packages when missing.
ensure_wrk_nginx() {
  if ! command -v wrk >/dev/null || [ ! -x /usr/sbin/nginx ]; then
    echo "installing wrk and nginx from Debian's packages" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null
  fi
}
