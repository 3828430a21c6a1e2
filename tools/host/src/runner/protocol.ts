/**
 * Jupyter messaging protocol 5.3, wire format only (no sockets here).
 *
 * A message on the wire is a list of frames:
 *   [routing ids…, "<IDS|MSG>", hmac, header, parent_header, metadata, content, buffers…]
 * The HMAC-SHA256 signature covers the four JSON frames in that order, keyed by the connection
 * file's `key` (jupyter_client docs, "The Wire Protocol"). An empty key disables signing.
 */
import { createHmac, randomBytes, timingSafeEqual } from "crypto";

export const PROTOCOL_VERSION = "5.3";
const DELIM = Buffer.from("<IDS|MSG>");

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** A decoded message. `parent_header` is `{}` for messages without a parent. */
export interface Message<C = Record<string, unknown>> {
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
  /** Received messages: bytes of the content frame plus buffers (for output size limits). */
  size?: number;
}

/** Thrown for frames that are not a well-formed or correctly signed Jupyter message. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

export function newId(): string {
  return randomBytes(16).toString("hex");
}

/** HMAC-SHA256 hex digest over the JSON frames; "" when the key is empty (signing disabled). */
export function sign(key: string, frames: readonly (string | Buffer)[]): string {
  if (!key) return "";
  const h = createHmac("sha256", key);
  for (const f of frames) h.update(f);
  return h.digest("hex");
}

/**
 * Content of an output message too large to keep (see deserialize's maxContentBytes), without
 * decoding all of it: a 50 MB stream message would otherwise cost a 50 MB string twice over. For a
 * stream, the name and the first `max` bytes of its text; for anything else only the size. The
 * result carries `truncatedBytes` (bytes not decoded) so the caller can say what was dropped.
 */
export function largeContent(msgType: string, frame: Buffer, max: number): Record<string, unknown> {
  if (msgType !== "stream") return { tooLargeBytes: frame.length };
  const head = frame.subarray(0, 256).toString("utf8");
  const name = /"name"\s*:\s*"([^"\\]*)"/.exec(head)?.[1] ?? "stdout";
  const at = /"text"\s*:\s*"/.exec(head);
  if (!at) return { name, text: "", truncatedBytes: frame.length };
  const start = Buffer.byteLength(head.slice(0, at.index + at[0].length));
  // Decode a bounded prefix; a character split by the cut decodes as U+FFFD: drop it.
  const raw = jsonStringPrefix(
    frame
      .subarray(start, start + max)
      .toString("utf8")
      .replace(/\uFFFD$/, ""),
  );
  let text: string;
  try {
    text = JSON.parse(`"${raw}"`);
  } catch {
    text = "";
  }
  return { name, text, truncatedBytes: Math.max(0, frame.length - start - Buffer.byteLength(raw)) };
}

/**
 * The longest prefix of a JSON string body that ends neither inside an escape nor past its closing
 * quote.
 */
export function jsonStringPrefix(raw: string): string {
  let end = 0;
  for (let i = 0; i < raw.length;) {
    const c = raw[i];
    if (c === '"') break;
    if (c === "\\") {
      const step = raw[i + 1] === "u" ? 6 : 2;
      if (i + step > raw.length) break;
      i += step;
    } else i++;
    end = i;
  }
  return raw.slice(0, end);
}

export class Session {
  readonly id = newId();
  constructor(
    readonly key: string,
    readonly username = "besselbook",
  ) {}

  /** Build a request message with a fresh header. */
  message<C>(msgType: string, content: C, parent: Partial<MessageHeader> = {}): Message<C> {
    return {
      header: {
        msg_id: newId(),
        session: this.id,
        username: this.username,
        date: new Date().toISOString(),
        msg_type: msgType,
        version: PROTOCOL_VERSION,
      },
      parent_header: parent,
      metadata: {},
      content,
      buffers: [],
    };
  }

  /** Frames to send on a DEALER socket (no routing prefix: the kernel's ROUTER adds ours). */
  serialize(msg: Message<unknown>): Buffer[] {
    const body = [msg.header, msg.parent_header, msg.metadata, msg.content].map((x) =>
      Buffer.from(JSON.stringify(x)),
    );
    return [DELIM, Buffer.from(sign(this.key, body)), ...body, ...msg.buffers];
  }

  /**
   * Decode and verify frames received on DEALER or SUB sockets (SUB frames start with a topic,
   * which is just another routing prefix before the delimiter).
   */
  deserialize(frames: readonly Buffer[], opts: { maxContentBytes?: number } = {}): Message {
    const at = frames.findIndex((f) => f.equals(DELIM));
    if (at < 0) throw new ProtocolError("message has no <IDS|MSG> delimiter");
    if (frames.length < at + 6)
      throw new ProtocolError(
        `message has ${frames.length - at - 1} frames after the delimiter, expected at least 5`,
      );
    const signature = frames[at + 1].toString();
    const body = frames.slice(at + 2, at + 6);
    if (this.key) {
      const want = Buffer.from(sign(this.key, body));
      const got = Buffer.from(signature);
      // Constant-time compare so the signature check is not a timing oracle.
      if (want.length !== got.length || !timingSafeEqual(want, got))
        throw new ProtocolError("message signature (HMAC-SHA256) does not match");
    }
    const parse = (b: Buffer, what: string): any => {
      try {
        return JSON.parse(b.toString("utf8"));
      } catch {
        throw new ProtocolError(`message ${what} is not JSON`);
      }
    };
    const header = parse(body[0], "header");
    const max = opts.maxContentBytes ?? Infinity;
    return {
      header,
      parent_header: parse(body[1], "parent_header"),
      metadata: parse(body[2], "metadata"),
      content:
        body[3].length > max
          ? largeContent(String(header?.msg_type), body[3], max)
          : parse(body[3], "content"),
      buffers: frames.slice(at + 6),
      size: frames.slice(at + 5).reduce((n, f) => n + f.length, 0),
    };
  }
}
