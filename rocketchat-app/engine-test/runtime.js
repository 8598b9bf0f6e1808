'use strict';
/**
 * Lays out the Apps-Engine server runtime so that it can run here, changing nothing but what cannot work
 * on a machine that reaches only the npm registry:
 *
 * - Deno refuses to run TypeScript found inside node_modules, so the engine package is copied out of it,
 *   into `.runtime/<version>/apps-engine` (the folder must be named `apps-engine`: the sandbox maps its
 *   `@rocket.chat/apps-engine/src/...` imports onto that name).
 * - The sandbox imports two tiny modules from deno.land and jsr (`writeAll`, `parseArgs`), which cannot be
 *   reached: the copy's import map points them at our stand-ins in `stand-ins/`. Its npm imports are fetched
 *   from the npm registry by `deno cache`, once, into `.runtime/deno-cache` (the engine runs Deno with
 *   `--cached-only` in later versions).
 */
const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');

const HERE = __dirname;
const RUNTIME_ROOT = path.join(HERE, '.runtime');
const DENO_DIR = path.join(RUNTIME_ROOT, 'deno-cache');
const BIN = path.join(HERE, 'node_modules', '.bin');

/** The deno.land / jsr modules the sandbox imports, and the stand-in each one is replaced by. */
const STAND_INS = {
    'https://deno.land/std@0.216.0/io/write_all.ts': 'write_all.ts',
    '@std/cli/parse-args': 'parse_args.ts',
};

function engineSource() {
    return path.dirname(require.resolve('@rocket.chat/apps-engine/package.json', { paths: [HERE] }));
}

function copyEngine(source, target) {
    fs.rmSync(target, { recursive: true, force: true });
    fs.cpSync(source, target, { recursive: true, dereference: true });
    const sandbox = path.join(target, 'deno-runtime');
    fs.cpSync(path.join(HERE, 'stand-ins'), path.join(sandbox, 'stand-ins'), { recursive: true });
    const configPath = path.join(sandbox, 'deno.jsonc');
    const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
    for (const name of Object.keys(config.imports)) {
        if (name.startsWith('@std/')) {
            delete config.imports[name];
        }
    }
    for (const [name, file] of Object.entries(STAND_INS)) {
        config.imports[name] = `./stand-ins/${file}`;
    }
    // The shipped lock file pins the jsr modules we replaced; the npm ones are pinned by exact version above.
    config.lock = false;
    fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
}

function denoEnv() {
    return {
        ...process.env,
        PATH: `${BIN}${path.delimiter}${process.env.PATH}`,
        DENO_DIR,
        // Trust the machine's certificate store too (an intercepting proxy's CA, for example).
        DENO_TLS_CA_STORE: 'system,mozilla',
        DENO_NO_UPDATE_CHECK: '1',
    };
}

/**
 * Copies the engine (once per version), caches the sandbox's npm imports, and returns where it all is.
 * Sets PATH and DENO_DIR in this process: the engine spawns `deno` from PATH with DENO_DIR passed on.
 */
function prepareRuntime() {
    const source = engineSource();
    const version = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8')).version;
    const engineDir = path.join(RUNTIME_ROOT, version, 'apps-engine');
    const ready = path.join(engineDir, '.files-bot-ready');
    if (!fs.existsSync(ready)) {
        copyEngine(source, engineDir);
        const sandbox = path.join(engineDir, 'deno-runtime');
        childProcess.execFileSync(
            'deno',
            ['cache', `--config=${path.join(sandbox, 'deno.jsonc')}`, path.join(sandbox, 'main.ts')],
            { env: { ...denoEnv(), NO_COLOR: '1' }, stdio: ['ignore', 2, 2] },
        );
        fs.writeFileSync(ready, version);
    }
    Object.assign(process.env, { PATH: denoEnv().PATH, DENO_DIR });
    return { engineDir, version };
}

module.exports = { prepareRuntime };
