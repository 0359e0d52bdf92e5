// Host sockets: a C echo server (tests/wasi/programs/echo.c) on a listener
// pre-opened through WasiConfig.listeners, driven over loopback by clients
// made with node:net. On Deno.listen (Deno) and on node:net (Deno and Bun).
// Bounded: each run has a 10 s timeout.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { CollectedOutput, Runtime, runWasi, type SocketListener } from "../../mod.ts";
import { denoListen } from "../../lib/host/deno_socket.ts";
import { nodeListen } from "../../lib/host/node_socket.ts";
import { RECEIVE_HIGH_WATER, ReceiveBuffer } from "../../lib/host/socket.ts";
import { program } from "./helpers.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";
function canListen(): boolean {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  return deno === undefined ||
    deno.permissions.querySync({ name: "net", host: "127.0.0.1" }).state === "granted";
}

/** Sends `text`, shuts down the sending side, returns all that comes back. */
function echo(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    const socket = net.connect(port, "127.0.0.1", () => socket.end(text));
    socket.on("data", (c: Uint8Array) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) all.set(c, (at += c.length) - c.length);
      resolve(new TextDecoder().decode(all));
    });
  });
}

const adapters: Array<[string, () => Promise<SocketListener>, boolean]> = [
  ["Deno.listen", () => Promise.resolve(denoListen("127.0.0.1", 0)), isDeno],
  ["node:net", () => nodeListen(net, "127.0.0.1", 0), true],
];

for (const [name, listen, available] of adapters) {
  test(`sockets (${name}): a C echo server serves two clients over loopback`, {
    skip: !available ? "Deno only" : !canListen() ? "needs --allow-net=127.0.0.1" : false,
  }, async () => {
    const listener = await listen();
    const stdout = new CollectedOutput(), stderr = new CollectedOutput();
    const running = runWasi(new Runtime(), program("echo"), {
      args: ["echo", "2"],
      listeners: [listener],
      stdout,
      stderr,
      timeout: 10_000,
    });
    try {
      // A client that arrives while the guest is polling, and one with more than a buffer's worth.
      assert.equal(await echo(listener.port, "hello"), "hello");
      // One and a half times the receive high-water mark: the adapter pauses and resumes reading.
      const long = "0123456789abcdef".repeat(3 << 15);
      assert.equal(await echo(listener.port, long), long);
      assert.equal(await running, 0, stderr.text());
      assert.equal(
        stdout.text(),
        "accept with nobody waiting: EAGAIN\n" +
          "connection 1: echoed 5 bytes\nconnection 2: echoed 1572864 bytes\n",
      );
    } finally {
      listener.close();
    }
  });
}

test("sockets: a blocked accept ends at the run's timeout", {
  skip: !canListen() ? "needs --allow-net=127.0.0.1" : false,
}, async () => {
  const listener = await nodeListen(net, "127.0.0.1", 0);
  try {
    const started = performance.now();
    await assert.rejects(
      runWasi(new Runtime(), program("echo"), { listeners: [listener], timeout: 200 }),
      /deadline exceeded/,
    );
    assert.ok(performance.now() - started < 5000);
  } finally {
    listener.close();
  }
});

test("sockets: a connection buffers at most RECEIVE_HIGH_WATER bytes before the adapter waits", async () => {
  const b = new ReceiveBuffer();
  b.push(new Uint8Array(RECEIVE_HIGH_WATER - 1));
  assert.equal(b.full, false);
  b.push(new Uint8Array([1, 2]));
  assert.equal(b.full, true);
  let drained = false;
  const waiting = b.drained().then(() => drained = true);
  await Promise.resolve();
  assert.equal(drained, false);
  // Peeking does not drain; reading does. The bytes come out in order.
  const head = new Uint8Array(10);
  assert.equal(b.read(head, true), 10);
  assert.equal(b.full, true);
  const all = new Uint8Array(RECEIVE_HIGH_WATER + 1);
  assert.equal(b.read(all, false), RECEIVE_HIGH_WATER + 1);
  await waiting;
  assert.equal(drained, true);
  assert.deepEqual([...all.subarray(-2)], [1, 2]);
  assert.equal(b.read(all, false), undefined, "nothing more yet");
  b.end();
  assert.equal(b.read(all, false), 0, "end of stream");
});
