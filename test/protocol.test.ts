// The runner's wire format (tools/host/src/runner/protocol.ts): signing and, above all, refusing
// frames whose HMAC does not verify. Independent reference: node's crypto HMAC over the four JSON
// frames (jupyter_client docs, "The Wire Protocol").
import { strict as assert } from "node:assert";
import { createHmac } from "node:crypto";
import {
  PROTOCOL_VERSION,
  ProtocolError,
  Session,
  newId,
  sign,
} from "besselbook-host/dist/runner/protocol";

const DELIM = Buffer.from("<IDS|MSG>");

function frames(s: Session, content: Record<string, unknown> = { code: "1 + 1" }): Buffer[] {
  const msg = s.message("execute_request", content, { msg_id: "parent-1" });
  msg.buffers = [Buffer.from([1, 2, 3])];
  return s.serialize(msg);
}

describe("runner protocol: signatures", () => {
  it("sign() is HMAC-SHA256 (hex) over the frames in order; an empty key disables signing", () => {
    const parts = ['{"a":1}', "{}", "{}", '{"b":2}'];
    const want = createHmac("sha256", "k3y").update(parts.join("")).digest("hex");
    assert.equal(sign("k3y", parts), want);
    assert.equal(
      sign(
        "k3y",
        parts.map((p) => Buffer.from(p)),
      ),
      want,
    );
    assert.notEqual(
      sign("k3y", [...parts].reverse()),
      want,
      "frame order is part of the signature",
    );
    assert.notEqual(sign("other", parts), want);
    assert.equal(sign("", parts), "");
  });

  it("serialize: delimiter, signature of the four JSON frames, then the frames and buffers", () => {
    const s = new Session("secret");
    const f = frames(s);
    assert.equal(f.length, 7);
    assert.ok(f[0]!.equals(DELIM));
    assert.equal(
      f[1]!.toString(),
      createHmac("sha256", "secret")
        .update(Buffer.concat(f.slice(2, 6)))
        .digest("hex"),
    );
    const header = JSON.parse(f[2]!.toString());
    assert.equal(header.msg_type, "execute_request");
    assert.equal(header.version, "5.3");
    assert.equal(PROTOCOL_VERSION, "5.3");
    assert.equal(header.session, s.id);
    assert.equal(header.username, "besselbook");
    assert.match(header.msg_id, /^[0-9a-f]{32}$/);
    assert.ok(!Number.isNaN(Date.parse(header.date)));
    assert.deepEqual(JSON.parse(f[3]!.toString()), { msg_id: "parent-1" });
    assert.deepEqual(JSON.parse(f[4]!.toString()), {});
    assert.deepEqual(JSON.parse(f[5]!.toString()), { code: "1 + 1" });
    assert.deepEqual([...f[6]!], [1, 2, 3]);
    const bare = s.message("kernel_info_request", {});
    assert.deepEqual([bare.buffers, bare.parent_header, bare.metadata], [[], {}, {}]);
    assert.match(newId(), /^[0-9a-f]{32}$/);
    assert.notEqual(newId(), newId());
  });

  it("a correctly signed message round-trips, with routing prefixes before the delimiter", () => {
    const s = new Session("secret");
    const m = s.deserialize([Buffer.from("topic"), Buffer.from("id2"), ...frames(s)]);
    assert.equal(m.header.msg_type, "execute_request");
    assert.deepEqual(m.parent_header, { msg_id: "parent-1" });
    assert.deepEqual(m.metadata, {});
    assert.deepEqual(m.content, { code: "1 + 1" });
    assert.equal(m.buffers.length, 1);
    assert.deepEqual([...m.buffers[0]!], [1, 2, 3]);
  });

  it("rejects a frame with a wrong signature: tampered content, wrong key, flipped or truncated digest", () => {
    const s = new Session("secret");
    const good = frames(s);
    const bad = (f: Buffer[], why: string) =>
      assert.throws(
        () => s.deserialize(f),
        (e: unknown) =>
          e instanceof ProtocolError && /signature \(HMAC-SHA256\) does not match/.test(e.message),
        why,
      );

    const tampered = [...good];
    tampered[5] = Buffer.from(JSON.stringify({ code: "process.exit(1)" }));
    bad(tampered, "content changed after signing");

    bad(frames(new Session("not-the-key")), "signed with another key");

    const flipped = [...good];
    const sig = flipped[1]!.toString();
    flipped[1] = Buffer.from((sig[0] === "a" ? "b" : "a") + sig.slice(1));
    bad(flipped, "one hex digit changed");

    const truncated = [...good];
    truncated[1] = Buffer.from(sig.slice(0, 32));
    bad(truncated, "half a digest");

    const unsigned = [...good];
    unsigned[1] = Buffer.from("");
    bad(unsigned, "no signature although the session has a key");

    const swapped = [...good];
    [swapped[4], swapped[5]] = [swapped[5]!, swapped[4]!];
    bad(swapped, "frames reordered");
  });

  it("an empty key accepts unsigned messages (signing disabled, as the connection file says)", () => {
    const s = new Session("");
    const f = frames(s);
    assert.equal(f[1]!.toString(), "");
    assert.deepEqual(s.deserialize(f).content, { code: "1 + 1" });
    // and ignores whatever signature arrives (nothing to verify it with)
    assert.deepEqual(s.deserialize(frames(new Session("some-key"))).content, { code: "1 + 1" });
  });

  it("rejects malformed frames: no delimiter, too few frames, non-JSON body (naming the frame)", () => {
    const s = new Session("secret");
    const good = frames(s);
    assert.throws(
      () => s.deserialize(good.slice(1)),
      (e: unknown) => e instanceof ProtocolError && /no <IDS\|MSG> delimiter/.test(e.message),
    );
    assert.throws(
      () => s.deserialize(good.slice(0, 5)),
      (e: unknown) =>
        e instanceof ProtocolError &&
        /has 4 frames after the delimiter, expected at least 5/.test(e.message),
    );
    // the count is of frames after the delimiter, whatever routing prefix comes before it
    assert.throws(
      () => s.deserialize([Buffer.from("id1"), Buffer.from("id2"), ...good.slice(0, 4)]),
      (e: unknown) =>
        e instanceof ProtocolError &&
        /has 3 frames after the delimiter, expected at least 5/.test(e.message),
    );
    // exactly the minimum (delimiter + signature + 4 JSON frames, no buffers) is fine
    assert.equal(s.deserialize(good.slice(0, 6)).buffers.length, 0);
    const open = new Session("");
    for (const [i, name] of [
      [2, "header"],
      [3, "parent_header"],
      [4, "metadata"],
      [5, "content"],
    ] as const) {
      const f = frames(open);
      f[i] = Buffer.from("{not json");
      assert.throws(
        () => open.deserialize(f),
        (e: unknown) =>
          e instanceof ProtocolError &&
          e.name === "ProtocolError" &&
          e.message === `message ${name} is not JSON`,
      );
    }
  });
});
