/**
 * A minimal Jupyter client over ZMQ (zeromq v6): start a kernel from a kernelspec, execute code,
 * stream iopub messages to the caller, interrupt, shut down, kill.
 *
 * Sockets (jupyter_client docs, "Messaging in Jupyter"): shell and control are DEALERs talking to
 * the kernel's ROUTERs, iopub is a SUB on the kernel's PUB, heartbeat is a REQ on its REP. The
 * kernel binds, we connect, everything on 127.0.0.1. The kernel runs in its own process group
 * (spawn detached) so one `kill(-pid)` also takes any children with it.
 */
import { ChildProcess, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as zmq from "zeromq";
import { BesselbookError } from "besselbook/errors";
import type { KernelSpec } from "./kernelspec";
import { Message, MessageHeader, Session } from "./protocol";

export interface ConnectionInfo {
  transport: "tcp";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name: string;
}

export interface StartOptions {
  spec: KernelSpec;
  /** Directory of the kernelspec, substituted for `{resource_dir}` in argv. */
  resourceDir?: string;
  kernelName?: string;
  /** Working directory of the kernel process (the notebook's directory, as in JupyterLab). */
  cwd: string;
  /** Extra environment on top of process.env and the spec's env. */
  env?: Record<string, string>;
  /** How long to wait for kernel_info_reply plus a working iopub channel. */
  startTimeoutMs?: number;
  /** Abort the start (Ctrl-C): the kernel is killed and start() rejects with KernelStartAborted. */
  signal?: AbortSignal;
}

/** start() was aborted through its signal; the kernel process was killed. */
export class KernelStartAborted extends BesselbookError {}

export type ExecuteOutcome =
  | { kind: "reply"; reply: Record<string, any> }
  | { kind: "timeout"; interrupted: boolean }
  | { kind: "died"; code: number | null; signal: NodeJS.Signals | null };

export interface ExecuteOptions {
  /**
   * Wall-clock limit for the request; on expiry the kernel is interrupted (SIGINT) and we give up.
   */
  timeoutMs?: number;
  /**
   * After the interrupt, how long to wait for the kernel to answer before reporting the timeout.
   */
  interruptGraceMs?: number;
  /** Called for every iopub message whose parent is this request, in order. */
  onIopub?: (msg: Message) => void;
  /** Called with the request's msg_id before it is sent (to route late output, see onLateIopub). */
  onSent?: (msgId: string) => void;
}

/** Every kernel started by this process that has not been reaped, for the exit/signal handlers. */
const live = new Set<KernelClient>();

/** SIGKILL every kernel's process group, synchronously (safe inside process 'exit' handlers). */
export function killAllKernels(): void {
  for (const k of live) k.kill();
}

let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' runs on normal exit and process.exit(), but not when a signal kills the process, and
  // kernels live in their own process group, so Ctrl-C on the terminal does not reach them. Kill
  // them on signals too. If nobody else handles the signal, re-raise it so the host still dies the
  // default way (a library must not change what Ctrl-C does); if the host handles it, leave it be.
  process.on("exit", killAllKernels);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      killAllKernels();
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

/** Ports handed out recently by this process, so concurrent kernels never get the same one. */
const recentPorts = new Set<number>();

async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < n) {
      const s = net.createServer();
      servers.push(s);
      const port = await new Promise<number>((resolve, reject) => {
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => resolve((s.address() as net.AddressInfo).port));
      });
      if (!recentPorts.has(port)) ports.push(port);
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
  }
  for (const p of ports) recentPorts.add(p);
  if (recentPorts.size > 2000) recentPorts.clear();
  return ports;
}

/** Serialize sends: a zeromq v6 socket allows one send() in flight at a time. */
class SendQueue {
  private tail: Promise<unknown> = Promise.resolve();
  constructor(private readonly sock: zmq.Dealer | zmq.Request) {}
  send(frames: Buffer[]): Promise<void> {
    const p = this.tail.then(() => this.sock.send(frames));
    this.tail = p.catch(() => undefined);
    return p;
  }
}

class PortInUseError extends BesselbookError {}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Wait for p or ms, whichever is first, without leaving a timer behind to hold the event loop. */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let t: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise((r) => (t = setTimeout(r, ms)))]).finally(() =>
    clearTimeout(t),
  );
}

export class KernelClient {
  readonly session: Session;
  private readonly shell = new zmq.Dealer({ linger: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  private readonly shellQ = new SendQueue(this.shell);
  private readonly controlQ = new SendQueue(this.control);
  /** Waiters for shell/control replies and iopub messages, keyed by parent msg_id. */
  private readonly replyWaiters = new Map<string, (m: Message) => void>();
  private readonly iopubListeners = new Map<string, (m: Message) => void>();
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private resolveExit: () => void = () => undefined;
  /** One shared promise (not one waiter per cell) that settles when the process is gone. */
  private readonly exitPromise = new Promise<void>((r) => (this.resolveExit = r));
  private output = "";
  private closed = false;
  /** Timers of requests still waiting for a reply; kill() clears them so none holds the process. */
  private readonly pendingTimers = new Set<NodeJS.Timeout>();
  /** language_info etc. from kernel_info_reply. */
  kernelInfo: Record<string, any> = {};
  /**
   * iopub messages of this session whose request is no longer being waited for: output of a cell
   * that arrives after its reply (a timer, a late rejection). Jupyter front ends append these to
   * the cell that made the request; the runner does the same and checks them for errors.
   */
  onLateIopub?: (msg: Message) => void;
  /**
   * iopub messages with a larger content frame are not decoded in full (protocol.ts largeContent):
   * bounds the memory one huge output costs. Default: no limit.
   */
  maxIopubContentBytes = Infinity;

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ConnectionInfo,
    readonly connectionFile: string,
    private readonly tmpDir: string,
  ) {
    this.session = new Session(connection.key);
    live.add(this);
    installExitHook();
    const keep = (b: Buffer) => {
      // Keep the tail of the kernel's own stdout/stderr (startup errors, crashes) for reports.
      this.output = (this.output + b.toString("utf8")).slice(-16384);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.on("exit", (code, signal) => {
      this.exitInfo = { code, signal };
      this.resolveExit();
    });
    child.on("error", (e) => {
      keep(Buffer.from(`\n[besselbook] failed to start kernel: ${e.message}\n`));
      this.exitInfo = { code: null, signal: null };
      this.resolveExit();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Tail of what the kernel process itself wrote to stdout/stderr (not cell output). */
  get processOutput(): string {
    return this.output;
  }

  get exited(): { code: number | null; signal: NodeJS.Signals | null } | null {
    return this.exitInfo;
  }

  /** Start the kernel and wait until it answers kernel_info and its iopub reaches us. */
  static async start(opts: StartOptions): Promise<KernelClient> {
    // Free ports are found by binding port 0 and closing it, so another process can take one before
    // the kernel binds it (jupyter_client has the same race). tslab then logs EADDRINUSE and hangs:
    // detect that and retry with fresh ports instead of waiting for the start timeout.
    for (let attempt = 1; ; attempt++) {
      try {
        return await KernelClient.startOnce(opts);
      } catch (e) {
        if (!(e instanceof PortInUseError) || attempt >= 3) throw e;
      }
    }
  }

  private static async startOnce(opts: StartOptions): Promise<KernelClient> {
    if (opts.signal?.aborted) throw new KernelStartAborted("kernel start interrupted");
    // Before spawning: a SIGTERM that arrives between the kernel's exec and the end of this
    // function must find our handler, or the default action kills this process and leaves the
    // detached kernel running (the flaky "kernel processes left behind" test, issue 17 item 10).
    installExitHook();
    const ports = await freePorts(5);
    const connection: ConnectionInfo = {
      transport: "tcp",
      ip: "127.0.0.1",
      shell_port: ports[0],
      iopub_port: ports[1],
      stdin_port: ports[2],
      control_port: ports[3],
      hb_port: ports[4],
      key: crypto.randomBytes(32).toString("hex"),
      signature_scheme: "hmac-sha256",
      kernel_name: opts.kernelName ?? "besselbook",
    };
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "besselbook-kernel-"));
    const connectionFile = path.join(
      tmpDir,
      `kernel-${crypto.randomBytes(6).toString("hex")}.json`,
    );
    // 0600: the file holds the signing key.
    fs.writeFileSync(connectionFile, JSON.stringify(connection, null, 1), { mode: 0o600 });
    const subst = (a: string) =>
      a
        .split("{connection_file}")
        .join(connectionFile)
        .split("{resource_dir}")
        .join(opts.resourceDir ?? "");
    const [cmd, ...args] = opts.spec.argv.map(subst);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, opts.spec.env ?? {}, opts.env ?? {});
    // The kernel's parent watch (kernel-preload.ts) exits when this process is gone.
    env.BESSELBOOK_PARENT_PID = String(process.pid);
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const client = new KernelClient(child, connection, connectionFile, tmpDir);
    const onAbort = () => client.kill();
    opts.signal?.addEventListener("abort", onAbort);
    try {
      await client.connect(opts.startTimeoutMs ?? 60000, opts.signal);
    } catch (e) {
      client.kill();
      if (opts.signal?.aborted) throw new KernelStartAborted("kernel start interrupted");
      throw e;
    } finally {
      opts.signal?.removeEventListener("abort", onAbort);
    }
    return client;
  }

  private url(port: number): string {
    return `tcp://${this.connection.ip}:${port}`;
  }

  private async pump(
    sock: zmq.Dealer | zmq.Subscriber,
    dispatch: (m: Message) => void,
  ): Promise<void> {
    try {
      for await (const frames of sock) {
        let msg: Message;
        try {
          msg = this.session.deserialize(
            frames,
            sock === this.iopub ? { maxContentBytes: this.maxIopubContentBytes } : {},
          );
        } catch {
          continue; // unsigned or malformed: not from our kernel, drop it
        }
        dispatch(msg);
      }
    } catch {
      /* socket closed */
    }
  }

  private async connect(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    this.shell.connect(this.url(this.connection.shell_port));
    this.control.connect(this.url(this.connection.control_port));
    this.iopub.connect(this.url(this.connection.iopub_port));
    this.iopub.subscribe();
    const toWaiter = (m: Message) => {
      const id = m.parent_header?.msg_id;
      if (id) this.replyWaiters.get(id)?.(m);
    };
    void this.pump(this.shell, toWaiter);
    void this.pump(this.control, toWaiter);
    void this.pump(this.iopub, (m) => {
      const id = m.parent_header?.msg_id;
      const l = id ? this.iopubListeners.get(id) : undefined;
      if (l) l(m);
      else if (m.parent_header?.session === this.session.id) this.onLateIopub?.(m);
    });

    // A SUB socket only receives after its subscription reached the publisher ("slow joiner"), so
    // a kernel_info_reply alone does not prove iopub works. Repeat kernel_info until one of its
    // iopub status messages arrives too (the approach of jupyter_client's wait_for_ready).
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (signal?.aborted) throw new KernelStartAborted("kernel start interrupted");
      if (this.exitInfo) throw this.startError("kernel exited during startup");
      if (/EADDRINUSE|Address already in use/.test(this.output))
        throw new PortInUseError(this.startError("kernel could not bind its ports").message);
      const req = this.session.message("kernel_info_request", {});
      let sawIopub = false;
      this.iopubListeners.set(req.header.msg_id, () => (sawIopub = true));
      const reply = this.request(
        this.shellQ,
        req,
        Math.min(5000, Math.max(1, deadline - Date.now())),
      );
      // A kernel that dies at once is reported at once, not after the 5 s request timeout.
      const r = await Promise.race([reply.catch(() => null), this.exitPromise.then(() => null)]);
      if (r) {
        this.kernelInfo = r.content as Record<string, any>;
        const until = Date.now() + 500;
        while (!sawIopub && Date.now() < until && !this.exitInfo) await sleep(10);
      }
      this.iopubListeners.delete(req.header.msg_id);
      if (r && sawIopub) return;
    }
    throw this.startError(
      `kernel did not answer kernel_info_request within ${(timeoutMs / 1000).toFixed(0)} s`,
    );
  }

  private startError(what: string): BesselbookError {
    const status = this.exitInfo
      ? ` (exit code ${this.exitInfo.code}${this.exitInfo.signal ? `, signal ${this.exitInfo.signal}` : ""})`
      : "";
    const out = this.output.trim();
    return new BesselbookError(
      `${what}${status}; command: ${this.child.spawnargs.join(" ")}${out ? `\nkernel output:\n${out}` : ""}`,
    );
  }

  /** Send a request and resolve with its reply (any message on that channel whose parent is it). */
  private request(q: SendQueue, msg: Message<unknown>, timeoutMs: number): Promise<Message> {
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingTimers.delete(timer);
        this.replyWaiters.delete(msg.header.msg_id);
        reject(new BesselbookError(`no reply to ${msg.header.msg_type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pendingTimers.add(timer);
      this.replyWaiters.set(msg.header.msg_id, (m) => {
        this.pendingTimers.delete(timer);
        clearTimeout(timer);
        this.replyWaiters.delete(msg.header.msg_id);
        resolve(m);
      });
      q.send(this.session.serialize(msg)).catch((e) => {
        this.pendingTimers.delete(timer);
        clearTimeout(timer);
        this.replyWaiters.delete(msg.header.msg_id);
        reject(e);
      });
    });
  }

  private onExit(): Promise<void> {
    return this.exitPromise;
  }

  /**
   * Execute code (store_history true, allow_stdin false). Resolves when both the execute_reply and
   * the iopub status idle for this request arrived, or on timeout / kernel death.
   */
  async execute(code: string, opts: ExecuteOptions = {}): Promise<ExecuteOutcome> {
    if (this.exitInfo) return { kind: "died", ...this.exitInfo };
    const req = this.session.message("execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
    const id = req.header.msg_id;
    let reply: Message | null = null;
    let idle = false;
    let wake: () => void = () => undefined;
    const changed = () => new Promise<void>((r) => (wake = r));
    let next = changed();
    this.iopubListeners.set(id, (m) => {
      opts.onIopub?.(m);
      if (m.header.msg_type === "status" && (m.content as any).execution_state === "idle") {
        idle = true;
        wake();
      }
    });
    this.replyWaiters.set(id, (m) => {
      reply = m;
      wake();
    });
    const cleanup = () => {
      this.iopubListeners.delete(id);
      this.replyWaiters.delete(id);
    };
    const exit = this.onExit().then(() => "exit" as const);
    opts.onSent?.(id);
    try {
      await this.shellQ.send(this.session.serialize(req));
      const timeoutMs = opts.timeoutMs ?? Infinity;
      const deadline = Date.now() + timeoutMs;
      let replyAt = 0;
      while (!(reply && idle)) {
        if (reply && !replyAt) replyAt = Date.now();
        // The idle status normally arrives within a millisecond of the reply; do not hang on a lost
        // one.
        if (replyAt && Date.now() - replyAt > 2000) break;
        const left = Math.min(deadline - Date.now(), replyAt ? 2000 : Infinity);
        if (left <= 0) break;
        let handle: NodeJS.Timeout | undefined;
        const timer = new Promise<"tick">(
          (r) => (handle = setTimeout(() => r("tick"), Math.min(left, 2 ** 31 - 1))),
        );
        // Clear the timer whichever way the race ends, or it would keep the process alive.
        const what = await Promise.race([next.then(() => "msg" as const), exit, timer]).finally(
          () => clearTimeout(handle),
        );
        if (what === "exit") {
          // Messages sent just before death may still be in flight on iopub; give them a moment.
          await sleep(200);
          return { kind: "died", ...this.exitInfo! };
        }
        if (what === "msg") next = changed();
      }
      if (reply) return { kind: "reply", reply: (reply as Message).content };
      // Timed out: interrupt like JupyterLab's stop button, then wait briefly for the kernel to
      // answer.
      this.interrupt();
      const grace = opts.interruptGraceMs ?? 2000;
      const until = Date.now() + grace;
      while (!reply && !this.exitInfo && Date.now() < until) await sleep(20);
      return { kind: "timeout", interrupted: reply !== null };
    } finally {
      cleanup();
    }
  }

  /** interrupt_mode "signal": SIGINT to the kernel's process group, as jupyter_client does. */
  interrupt(): void {
    this.signal("SIGINT");
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (!pid || this.exitInfo) return;
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  }

  /** Heartbeat: true when the kernel echoes a ping within timeoutMs. */
  async ping(timeoutMs = 2000): Promise<boolean> {
    const hb = new zmq.Request({ linger: 0, receiveTimeout: timeoutMs, sendTimeout: timeoutMs });
    try {
      hb.connect(this.url(this.connection.hb_port));
      const payload = Buffer.from(crypto.randomBytes(8).toString("hex"));
      await hb.send(payload);
      const [echo] = await hb.receive();
      return echo.equals(payload);
    } catch {
      return false;
    } finally {
      hb.close();
    }
  }

  /** Polite shutdown (shutdown_request on control), then make sure the process group is gone. */
  async shutdown(graceMs = 2000): Promise<void> {
    if (!this.exitInfo && !this.closed) {
      const req = this.session.message("shutdown_request", { restart: false });
      await this.request(this.controlQ, req, graceMs).catch(() => null);
      await within(this.onExit(), graceMs);
    }
    this.kill();
  }

  /**
   * SIGKILL the kernel's process group, close sockets, delete the connection file. Idempotent,
   * sync.
   */
  kill(): void {
    const pid = this.child.pid;
    if (pid) {
      // Even after the leader exited, grandchildren may remain in its group; the group id cannot be
      // reused while any member lives, so this never hits an unrelated process group.
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        if (!this.exitInfo) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            /* gone */
          }
        }
      }
    }
    for (const t of this.pendingTimers) clearTimeout(t);
    this.pendingTimers.clear();
    if (!this.closed) {
      this.closed = true;
      for (const s of [this.shell, this.control, this.iopub]) {
        try {
          s.close();
        } catch {
          /* already closed */
        }
      }
      this.child.stdout?.destroy();
      this.child.stderr?.destroy();
      fs.rmSync(this.tmpDir, { recursive: true, force: true });
    }
    live.delete(this);
  }

  /** Resolves once the kernel process has exited (after kill or shutdown). */
  waitExit(): Promise<void> {
    return this.onExit();
  }
}

export type { MessageHeader };
