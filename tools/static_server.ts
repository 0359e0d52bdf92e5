/**
 * A static file server for local checks (CI's URL-import and browser steps):
 * serves a directory on 127.0.0.1 with the content types Deno and browsers
 * need (`.ts` as TypeScript, `.js` as JavaScript, `.wasm` as wasm), prints
 * `listening on http://127.0.0.1:PORT/` and runs until killed.
 *
 * Usage: `deno run --allow-net=127.0.0.1 --allow-read tools/static_server.ts [dir] [port]
 * [--header "Name: value"]...` (port 0, the default, picks a free one).
 *
 * @module
 */

const TYPES: Record<string, string> = {
  ".ts": "application/typescript; charset=utf-8",
  ".mts": "application/typescript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".wat": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
};

/** The content type for a path, by its extension (`.d.ts` is TypeScript too). */
export function contentType(path: string): string {
  const dot = path.lastIndexOf(".");
  return (dot >= 0 ? TYPES[path.slice(dot)] : undefined) ?? "application/octet-stream";
}

/**
 * Serves `dir` on 127.0.0.1:`port`; resolves to the server. `headers` are
 * added to every response (e.g. a `Content-Security-Policy`).
 */
export function serve(
  dir: string,
  port = 0,
  headers: Record<string, string> = {},
): Deno.HttpServer<Deno.NetAddr> {
  const root = Deno.realPathSync(dir);
  return Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.split("/").includes("..")) return new Response("forbidden", { status: 403 });
    try {
      const file = root + (path.endsWith("/") ? `${path}index.html` : path);
      const body = Deno.readFileSync(file);
      return new Response(body, { headers: { ...headers, "content-type": contentType(file) } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}

if (import.meta.main) {
  // `--header "Name: value"` (repeatable) adds a header to every response.
  const headers: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < Deno.args.length; i++) {
    if (Deno.args[i] !== "--header") positional.push(Deno.args[i]);
    else {
      const [name, ...value] = (Deno.args[++i] ?? "").split(":");
      headers[name.trim()] = value.join(":").trim();
    }
  }
  const server = serve(positional[0] ?? ".", Number(positional[1] ?? 0), headers);
  console.log(`listening on http://127.0.0.1:${server.addr.port}/`);
}
