// Loads the CLI from a bundle of src/ that esbuild (the compiler tsx itself runs on) keeps in
// node_modules/.cache/syncline/. Why: through tsx every start transpiles and resolves ~160 modules
// one by one (~1.2 s on an idle 2-core box, more under load), and a crashed worker waits for that
// before it claims work again; the bundle loads in ~0.5 s, `syncline --help` in ~0.15 s.
// A fresh clone still needs no build step: the first start builds the bundle (~0.2 s), and any
// start after a source file changed rebuilds it, by comparing every input's size and mtime.
import { createHash } from 'node:crypto'
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CACHE = join(ROOT, 'node_modules', '.cache', 'syncline')
const MANIFEST = join(CACHE, 'cli-inputs.json')
const ENTRY = 'src/cli/cli-main.ts'

/** The bundle's folder when it was built from exactly the files now on disk, else undefined. */
function freshBundle() {
  let manifest
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'))
    statSync(join(CACHE, manifest.dir, 'cli-main.mjs'))
  } catch {
    return undefined
  }
  if (manifest.node !== process.version) return undefined
  for (const [file, stamp] of Object.entries(manifest.inputs)) {
    try {
      const now = statSync(join(ROOT, file))
      if (now.size !== stamp.size || now.mtimeMs !== stamp.mtimeMs) return undefined
    } catch {
      return undefined
    }
  }
  return join(CACHE, manifest.dir)
}

/**
 * `import.meta.url` must keep meaning the source file (the migrations folder is found from it), so
 * it is replaced by that file's URL before bundling.
 */
const keepImportMetaUrl = {
  name: 'keep-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8')
      if (!source.includes('import.meta.url')) return undefined
      const url = JSON.stringify(pathToFileURL(args.path).href)
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' }
    })
  },
}

async function buildBundle() {
  const { build } = await import('esbuild')
  mkdirSync(CACHE, { recursive: true })
  const staging = join(CACHE, `build-${process.pid}.tmp`)
  rmSync(staging, { recursive: true, force: true })
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    // Lazily imported parts (the server, the embedded store) stay lazy: `syncline runs` never
    // loads a database driver.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: staging,
    outExtension: { '.js': '.mjs' },
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    plugins: [keepImportMetaUrl],
  })
  const inputs = {}
  for (const file of Object.keys(result.metafile.inputs).sort()) {
    if (file.includes('node_modules')) continue
    const stat = statSync(join(ROOT, file))
    inputs[file] = { size: stat.size, mtimeMs: stat.mtimeMs }
  }
  // A folder per set of inputs, never replaced once made: a process still running from an older
  // bundle keeps its lazily loaded chunks, and concurrent first starts agree on one folder.
  const key = createHash('sha256')
    .update(JSON.stringify([process.version, inputs]))
    .digest('hex')
    .slice(0, 16)
  const dir = `cli-${key}`
  try {
    renameSync(staging, join(CACHE, dir))
  } catch {
    rmSync(staging, { recursive: true, force: true })
  }
  const manifestStaging = `${MANIFEST}.${process.pid}.tmp`
  writeFileSync(manifestStaging, JSON.stringify({ node: process.version, dir, inputs }))
  renameSync(manifestStaging, MANIFEST)
  removeOldBundles(dir)
  return join(CACHE, dir)
}

/** Bundles of older sources, once no start could still be loading from them (a day old). */
function removeOldBundles(current) {
  const dayAgo = Date.now() - 86_400_000
  for (const name of readdirSync(CACHE)) {
    if (name === current || !/^(cli-|build-)/.test(name)) continue
    const path = join(CACHE, name)
    if (statSync(path).mtimeMs < dayAgo) rmSync(path, { recursive: true, force: true })
  }
}

/** Runs the CLI: from the bundle when it can be used, else through tsx (same code, slower start). */
export async function runCli() {
  let bundle
  if (process.env.SYNCLINE_NO_BUNDLE !== '1') {
    try {
      bundle = freshBundle() ?? (await buildBundle())
    } catch (error) {
      // A source that does not compile, or a read-only install: tsx reports it or copes.
      if (process.env.SYNCLINE_DEBUG_BUNDLE === '1') console.error(error)
    }
  }
  if (bundle !== undefined) {
    // Stack traces point at the .ts sources, as they do through tsx.
    process.setSourceMapsEnabled(true)
    await import(pathToFileURL(join(bundle, 'cli-main.mjs')).href)
    return
  }
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli/cli-main.ts')
}
