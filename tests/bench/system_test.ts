/**
 * `gitCommit` and `checkoutLabel` (bench/system.ts), which name the commit of a checkout in
 * benchmark results and in the labels of A/B runs, on repositories laid out
 * by hand: no git needed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkoutLabel, gitCommit } from "../../bench/system.ts";

const A = "a".repeat(40), B = "b".repeat(40), C = "c".repeat(40);

/** Writes `files` (path → content) under a fresh directory and runs `body` on it. */
function withTree(files: Record<string, string>, body: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), "wazero-ts-git-"));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(root, path, ".."), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    body(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test("gitCommit reads a branch's commit, from its ref or from packed-refs", () => {
  withTree({
    "repo/.git/HEAD": "ref: refs/heads/main\n",
    "repo/.git/refs/heads/main": `${A}\n`,
    "packed/.git/HEAD": "ref: refs/heads/main\n",
    "packed/.git/packed-refs": `# pack-refs\n${B} refs/heads/other\n${C} refs/heads/main\n`,
  }, (root) => {
    assert.equal(gitCommit(join(root, "repo")), A);
    assert.equal(gitCommit(join(root, "packed")), C);
  });
});

test("gitCommit reads a worktree's own HEAD, detached or on a branch of the main repository", () => {
  withTree({
    "main/.git/HEAD": "ref: refs/heads/main\n",
    "main/.git/refs/heads/main": `${A}\n`,
    "main/.git/refs/heads/topic": `${B}\n`,
    "main/.git/worktrees/detached/HEAD": `${C}\n`,
    "main/.git/worktrees/detached/commondir": "../..\n",
    "main/.git/worktrees/topic/HEAD": "ref: refs/heads/topic\n",
    "main/.git/worktrees/topic/commondir": "../..\n",
    "detached/.git": "gitdir: ../main/.git/worktrees/detached\n",
    "topic/.git": "gitdir: ../main/.git/worktrees/topic\n",
  }, (root) => {
    assert.equal(gitCommit(join(root, "main")), A);
    assert.equal(gitCommit(join(root, "detached")), C);
    assert.equal(gitCommit(join(root, "topic")), B);
  });
});

test("gitCommit is undefined outside a repository", () => {
  withTree({ "plain/file.txt": "" }, (root) => {
    assert.equal(gitCommit(join(root, "plain")), undefined);
  });
});

test("checkoutLabel names a checkout by its commit, or by its folder beside one at the same commit", () => {
  withTree({
    "one/.git/HEAD": `${A}\n`,
    "two/.git/HEAD": `${B}\n`,
    "copy/.git/HEAD": `${A}\n`,
    "plain/file.txt": "",
  }, (root) => {
    const at = (name: string) => join(root, name);
    assert.equal(checkoutLabel(at("one"), at("two")), "aaaaaaa");
    assert.equal(checkoutLabel(at("two"), at("one")), "bbbbbbb");
    assert.equal(checkoutLabel(at("one"), at("copy")), "one");
    assert.equal(checkoutLabel(at("copy"), at("one")), "copy");
    assert.equal(checkoutLabel(at("plain"), at("one")), "plain");
  });
});
