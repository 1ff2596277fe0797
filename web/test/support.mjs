// What the browser tests stand on: the local runner (the real jar, DynamoDB Local + S3 inside), real cargo publishing
// real crates into it, and Debian's chromium driven by playwright-core (never a downloaded browser).
import {spawn, execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, mkdirSync, writeFileSync} from 'node:fs';
import {homedir, tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const JAR = process.env.REGISTRY_JAR ?? join(ROOT, 'infra/local/target/registry-local.jar');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots for people to look at: target/ of the repository, like every other test output. */
export const SHOTS = join(ROOT, 'target', 'web-screenshots');

export function cargoBinary() {
  for (const dir of [...(process.env.PATH ?? '').split(':'), join(homedir(), '.cargo', 'bin')]) {
    const c = join(dir, 'cargo');
    if (dir && existsSync(c)) return c;
  }
  return null;
}

/** Why the browser tests cannot run here, or null. */
export function missing() {
  if (!existsSync(JAR)) return `no runner jar at ${JAR} (mvn -DskipTests package first)`;
  if (!existsSync(CHROMIUM)) return `no chromium at ${CHROMIUM} (apt-get install chromium)`;
  if (!cargoBinary()) return 'no cargo on PATH or in ~/.cargo/bin';
  return null;
}

/** Starts `java -jar registry-local.jar` on a free port with fresh state; resolves with its startup JSON line. */
export async function startRunner({authRequired = false} = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cargoreg-web-'));
  // downloads counted from the CDN log every second (default 5), so the tests see them soon
  const args = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-jar', JAR, '--port', '0', '--data-dir', dataDir,
    '--downloads-interval', '1'];
  if (authRequired) args.push('--auth-required');
  // REGISTRY_WEB_DIR=web: the UI from the working tree, not the jar's copy (while working on it, no rebuild)
  if (process.env.REGISTRY_WEB_DIR) args.push('--web-dir', resolve(process.env.REGISTRY_WEB_DIR));
  const proc = spawn('java', args, {stdio: ['ignore', 'pipe', 'pipe']});
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const info = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`runner did not start in 90 s: ${stderr}`)), 90_000);
    proc.on('exit', (code) => rej(new Error(`runner exited with ${code}: ${stderr}`)));
    createInterface({input: proc.stdout}).on('line', (line) => {
      if (line.startsWith('{')) {
        clearTimeout(timer);
        res(JSON.parse(line));
      }
    });
  });
  const base = `http://127.0.0.1:${info.port}`;
  return {...info, base, dataDir, stop: () => new Promise((r) => { proc.once('exit', r); proc.kill('SIGTERM'); })};
}

/** Real cargo with its own CARGO_HOME, configured for the runner as the README says. */
export function cargoFor(runner, {privateRegistry = false} = {}) {
  const home = mkdtempSync(join(tmpdir(), 'cargoreg-web-home-'));
  writeFileSync(join(home, 'config.toml'), `[registries.local]\nindex = "${runner.index}"\n[net]\nretry = 0\n`
    + (privateRegistry ? '[registry]\nglobal-credential-providers = ["cargo:token"]\n' : ''));
  const env = {...process.env, CARGO_HOME: home, CARGO_TERM_COLOR: 'never', CARGO_REGISTRIES_LOCAL_TOKEN: runner.token,
    RUSTUP_HOME: process.env.RUSTUP_HOME ?? join(homedir(), '.rustup')};
  const cargo = cargoBinary();
  const run = (dir, ...args) => execFileSync(cargo, args, {cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8'});
  return {
    /** Writes a crate from {Cargo.toml, README.md, …} files and publishes it with `cargo publish`. */
    publish(files) {
      const dir = mkdtempSync(join(tmpdir(), 'cargoreg-web-crate-'));
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src', 'lib.rs'), '//! a test crate\n');
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      try {
        run(dir, 'publish', '--registry', 'local', '--no-verify', '--allow-dirty');
      } catch (e) {
        throw new Error(`cargo publish failed: ${e.stderr ?? e.message}`);
      }
    },
    yank: (name, version) => run(tmpdir(), 'yank', '--registry', 'local', '--version', version, name),
  };
}

export function manifest(name, version, extra = '', keywords = ['demo', 'web-ui']) {
  return `[package]\nname = "${name}"\nversion = "${version}"\nedition = "2021"\nlicense = "MIT"\n`
    + `description = "The ${name} test crate"\nrepository = "https://github.com/example/${name}"\n`
    + `keywords = ${JSON.stringify(keywords)}\nreadme = "README.md"\n${extra}`;
}

/** Debian's chromium, with the flags this machine kind needs (no background calls to Google, no sandbox as root). */
export async function launchChromium() {
  const {chromium} = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
