# Sourced by the web benchmarks: writes the config of an nginx serving $1/nginx/root on port $2,
# one worker (the reference Epistola's pages are compared with). Start it with
#   /usr/sbin/nginx -c "$1/nginx/nginx.conf"   and stop it with -s stop.
nginx_static_config() {
  local work=$1 port=$2
  mkdir -p "$work/nginx/root" "$work/nginx/tmp"
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
