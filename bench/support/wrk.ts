/**
 * wrk driver for benches: writes a Lua script that cycles through
 * pre-formatted requests (signatures computed up front), runs wrk pinned to
 * a core, and parses its summary. Also reads a process tree's CPU time.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

export interface WrkRequest {
  path: string;
  headers?: Record<string, string>;
}

export interface WrkResult {
  requests: number;
  seconds: number;
  reqPerSec: number;
  /** Non-2xx/3xx responses plus socket errors: must be 0 for a valid run. */
  errors: number;
  output: string;
}

const lua = (s: string): string => JSON.stringify(s); // JSON strings are valid Lua strings for ASCII

/** A wrk Lua script that sends `requests` round-robin, starting at a random index. */
export function writeWrkScript(file: string, requests: WrkRequest[]): void {
  const rows = requests.map((r) => `{${lua(r.path)},{${Object.entries(r.headers ?? {}).map(([k, v]) => `[${lua(k)}]=${lua(v)}`).join(',')}}}`);
  writeFileSync(file, `local data = {\n${rows.join(',\n')}\n}
local reqs = {}
local i = 0
init = function(args)
  for k, v in ipairs(data) do reqs[k] = wrk.format("GET", v[1], v[2]) end
  math.randomseed(os.time())
  i = math.random(#reqs) - 1
end
request = function()
  i = i % #reqs + 1
  return reqs[i]
end
`);
}

export function runWrk(options: { url: string; script: string; seconds: number; connections: number; core: number }): WrkResult {
  const args = ['-c', String(options.core), 'wrk', '-t1', `-c${options.connections}`, `-d${options.seconds}s`, '-s', options.script, options.url];
  const r = spawnSync('taskset', args, { encoding: 'utf8' });
  const output = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`wrk failed:\n${output}`);
  const total = /(\d+) requests in ([\d.]+)(ms|s|m)/.exec(output);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  if (!total || !rps) throw new Error(`cannot parse wrk output:\n${output}`);
  const unit = total[3] === 'ms' ? 0.001 : total[3] === 'm' ? 60 : 1;
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const errors = Number(non2xx?.[1] ?? 0) + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { requests: Number(total[1]), seconds: Number(total[2]) * unit, reqPerSec: Number(rps[1]), errors, output };
}

const TICK_US = 1e6 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** utime + stime in µs of `pid` and all its descendants (nginx master + workers; node + its threads). */
export function cpuMicros(pid: number): number {
  let total = 0;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" closing the command name: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  total += (Number(fields[11]) + Number(fields[12])) * TICK_US;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let children = '';
    try {
      children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {}
    for (const child of children.split(' ').filter(Boolean)) total += cpuMicros(Number(child));
  }
  return total;
}
