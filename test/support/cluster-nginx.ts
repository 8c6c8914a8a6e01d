/**
 * nginx as the cluster's load balancer: round-robin over the API nodes,
 * request bodies streamed (a tus PATCH reaches its node byte by byte, so a
 * node can die mid-PATCH), responses unbuffered (SSE), long timeouts, and an
 * access log naming the upstream that answered each request. It also serves
 * a plain hls.js page on the same origin for the playback check.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNginx, type NginxHandle } from '../../packages/server/test/delivery/support/nginx.js';

const HLS_JS = fileURLToPath(new URL('../../packages/player/node_modules/hls.js/dist/hls.min.js', import.meta.url));

export interface LoadBalancer {
  nginx: NginxHandle;
  url: string;
  /** One line per finished request: method, status, upstream(s) tried, their statuses. */
  accessLog(): AccessLine[];
}

export interface AccessLine { method: string; status: number; upstreams: string[]; upstreamStatuses: string[] }

// No URI in the log: upload URLs are capabilities and queries carry tokens.
const LOG_FORMAT = `'$request_method $status "$upstream_addr" "$upstream_status"'`;

const PLAY_PAGE = `<!doctype html><meta charset="utf-8"><title>cluster playback</title>
<video id="v" muted playsinline style="width:640px"></video>
<script src="/cluster-static/hls.min.js"></script>
<script>
  window.journal = { errors: [] };
  window.play = (src) => {
    const v = document.getElementById('v');
    const hls = new Hls({ startPosition: 0 });
    hls.on(Hls.Events.ERROR, (_e, d) => { if (d.fatal) window.journal.errors.push(d.type + ': ' + d.details); });
    hls.loadSource(src);
    hls.attachMedia(v);
    return v.play().then(() => 'playing', (e) => String(e));
  };
</script>`;

export async function startLoadBalancer(upstreamPorts: number[]): Promise<LoadBalancer> {
  const nginx = await startNginx({
    server: (port) => `
    log_format cluster ${LOG_FORMAT};
    upstream sluice_api {
${upstreamPorts.map((p) => `        server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n')}
    }
    server {
        listen 127.0.0.1:${port};
        # Relative paths are under nginx's prefix (-p): the handle's temp dir.
        access_log access.log cluster;
        client_max_body_size 0;
        location /cluster-static/ { alias static/; }
        location / {
            proxy_pass http://sluice_api;
            # 1.1 so that a chunked request body is streamed, not buffered (proxy_request_buffering).
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_request_buffering off;
            proxy_buffering off;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
            proxy_connect_timeout 2s;
        }
    }`,
  });
  mkdirSync(join(nginx.prefix, 'static'), { recursive: true });
  copyFileSync(HLS_JS, join(nginx.prefix, 'static', 'hls.min.js'));
  writeFileSync(join(nginx.prefix, 'static', 'play.html'), PLAY_PAGE);
  return {
    nginx,
    url: nginx.url,
    accessLog: () => parseAccessLog(readFileSync(join(nginx.prefix, 'access.log'), 'utf8')),
  };
}

export function parseAccessLog(text: string): AccessLine[] {
  const lines: AccessLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+) (\d+) "([^"]*)" "([^"]*)"$/.exec(line.trim());
    if (!m) continue;
    lines.push({ method: m[1]!, status: Number(m[2]), upstreams: m[3]!.split(/\s*,\s*|\s+:\s+/).filter((u) => u && u !== '-'), upstreamStatuses: m[4]!.split(/\s*[,:]\s*/).filter((s) => s && s !== '-') });
  }
  return lines;
}
