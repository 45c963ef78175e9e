// A Python venv with clients/python/requirements.txt installed from PyPI, made once per set of pins and interpreter
// and kept outside the checkout (~/.cache/hookstep, or XDG_CACHE_HOME), so a second run starts at once.
import { createHash, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const PYTHON_CLIENT_DIR = join(__dirname, '..', '..', 'clients', 'python');
const REQUIREMENTS = join(PYTHON_CLIENT_DIR, 'requirements.txt');
const COMPLETE = 'hookstep-venv-complete';

/** Why Python could not be set up, said so that the reader knows what to install. */
export class PythonSetupError extends Error {
  override readonly name = 'PythonSetupError';
}

/**
 * The venv's python executable, creating the venv first when this interpreter and these pins have none yet.
 * Throws PythonSetupError naming what is missing: python3 itself, or Debian's python3-venv package (ensurepip).
 */
export async function pythonVenv(): Promise<string> {
  let interpreter: string;
  try {
    interpreter = (await run('python3', ['-c', 'import sys; print(sys.executable, sys.version)'])).stdout;
  } catch (err) {
    throw new PythonSetupError(
      `python3 is not on PATH (${(err as NodeJS.ErrnoException).code ?? 'error'}): the Python SDK test needs it; ` +
        'on Debian: apt-get install python3 python3-venv',
    );
  }
  const requirements = readFileSync(REQUIREMENTS, 'utf8');
  const hash = createHash('sha256').update(interpreter).update(requirements).digest('hex').slice(0, 16);
  const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hookstep');
  const dir = join(cache, `python-venv-${hash}`);
  const python = join(dir, 'bin', 'python');
  if (existsSync(join(dir, COMPLETE))) return python;

  // Built beside its final place and renamed into it, so a run stopped half-way never leaves a venv that looks done.
  mkdirSync(cache, { recursive: true });
  const partial = `${dir}.partial-${randomUUID().slice(0, 8)}`;
  try {
    try {
      await run('python3', ['-m', 'venv', partial]);
    } catch (err) {
      const stderr = String((err as { stderr?: string }).stderr ?? '');
      throw new PythonSetupError(
        /ensurepip|venv/i.test(stderr)
          ? `python3 -m venv failed: Debian's python3 needs the python3-venv package (apt-get install python3-venv)\n${stderr}`
          : `python3 -m venv failed:\n${stderr}`,
      );
    }
    try {
      await run(
        join(partial, 'bin', 'python'),
        [
          '-m',
          'pip',
          'install',
          '--disable-pip-version-check',
          '--no-input',
          '--only-binary',
          ':all:',
          '-r',
          REQUIREMENTS,
        ],
        { maxBuffer: 16 * 1024 * 1024 },
      );
    } catch (err) {
      throw new PythonSetupError(
        `pip install -r clients/python/requirements.txt failed (PyPI unreachable?):\n${String((err as { stderr?: string }).stderr ?? err)}`,
      );
    }
    writeFileSync(join(partial, COMPLETE), requirements);
    if (existsSync(join(dir, COMPLETE))) return python;
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
    return python;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** Runs a script or module with the venv's python; rejects with its stderr when it exits non-zero. */
export async function runPython(
  python: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<string> {
  try {
    const { stdout } = await run(python, args, {
      cwd: options.cwd,
      env: { ...options.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: PYTHON_CLIENT_DIR },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`python ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? String(err)}`);
  }
}
