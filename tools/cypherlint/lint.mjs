// kg cypherlint: lint Neo4j Cypher offline with Neo4j's own parser and semantic analysis
// (@neo4j-cypher/language-support), against kg's graph model.
//
//   node lint.mjs input.json        (or: node lint.mjs - < input.json, or no argument: stdin)
//
// input:  {"schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...]},
//          "queries": [{"name": "...", "text": "..."}]}
// output: [{"name": "...", "diagnostics": [{"severity": 1|2, "message": "...", "line": n, "column": n}]}]
//         on stdout, one entry per query in input order; severity 1 = error, 2 = warning;
//         line and column are 1-based (null if the analyser gave no position).
//
// Every query is linted as CYPHER 5 with the built-in function/procedure registry of the
// package's mock schema (apoc.* removed: kg must not depend on APOC) and the given labels,
// relationship types and property keys, so unknown ones come back as warnings.
// "Parameter $x is not defined" is dropped: kg's statements always take $parameters.
//
// Exit status: 0 whenever linting ran (diagnostics or not; the caller decides);
// 2 for bad input or usage; 1 if the analyser itself failed.
//
// The analyser costs ~40-100 ms a query plus ~0.7 s to load, so large inputs are shared out
// to worker threads (one process still): CYPHERLINT_JOBS=n sets their number (default: the
// CPU count, at most 4, and no more than one per 25 queries; 1 = lint on the main thread).

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const VERSION = 'CYPHER 5';
const QUERIES_PER_JOB = 25;
const MAX_JOBS = 4;

function fail(status, message) {
  process.stderr.write(`cypherlint: ${message}\n`);
  process.exit(status);
}

function readInput(argv) {
  if (argv.length > 1) fail(2, 'usage: node lint.mjs [input.json | -]');
  const source = argv.length === 0 || argv[0] === '-' ? 0 : argv[0];
  let raw;
  try {
    raw = readFileSync(source, 'utf8');
  } catch (err) {
    fail(2, `cannot read ${source === 0 ? 'stdin' : source}: ${err.message}`);
  }
  try {
    return JSON.parse(raw);
  } catch (err) {
    fail(2, `input is not JSON: ${err.message}`);
  }
}

function stringList(value, where) {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    fail(2, `${where} must be a list of strings`);
  }
  return value;
}

function checkInput(doc) {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) fail(2, 'input must be a JSON object');
  const schema = doc.schema ?? {};
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) fail(2, '"schema" must be an object');
  if (!Array.isArray(doc.queries)) fail(2, '"queries" must be a list');
  doc.queries.forEach((q, i) => {
    if (q === null || typeof q !== 'object' || typeof q.name !== 'string' || typeof q.text !== 'string') {
      fail(2, `queries[${i}] must be {"name": string, "text": string}`);
    }
  });
  return {
    labels: stringList(schema.labels, 'schema.labels'),
    relationshipTypes: stringList(schema.relationshipTypes, 'schema.relationshipTypes'),
    propertyKeys: stringList(schema.propertyKeys, 'schema.propertyKeys'),
    queries: doc.queries,
  };
}

const withoutApoc = (registry) =>
  Object.fromEntries(Object.entries(registry ?? {}).filter(([name]) => !name.startsWith('apoc.')));

// Lint [index, {name, text}] pairs; returns [index, result] pairs. Throws on analyser failure.
async function lintAll(input, items) {
  const { isNotParamError, lintCypherQuery, testData } = await import('@neo4j-cypher/language-support');
  const mock = testData.mockSchema;
  if (!mock?.functions?.[VERSION] || !mock?.procedures?.[VERSION]) {
    throw new Error(`the installed @neo4j-cypher/language-support has no ${VERSION} function/procedure registry`);
  }
  const schema = {
    labels: input.labels,
    relationshipTypes: input.relationshipTypes,
    propertyKeys: input.propertyKeys,
    functions: { [VERSION]: withoutApoc(mock.functions[VERSION]) },
    procedures: { [VERSION]: withoutApoc(mock.procedures[VERSION]) },
    defaultLanguage: VERSION,
  };
  return items.map(([index, { name, text }]) => {
    let diagnostics;
    try {
      diagnostics = lintCypherQuery(text, schema, { consoleCommandsEnabled: false }).diagnostics;
    } catch (err) {
      throw new Error(`the analyser failed on query ${JSON.stringify(name)}: ${err?.stack ?? err}`);
    }
    return [
      index,
      {
        name,
        diagnostics: diagnostics.filter(isNotParamError).map((d) => ({
          severity: d.severity,
          message: d.message,
          ...position(d),
        })),
      },
    ];
  });
}

function position(diag) {
  const start = diag.range?.start;
  if (!start || typeof start.line !== 'number') return { line: null, column: null };
  return { line: start.line + 1, column: start.character + 1 };
}

function jobCount(queries) {
  const asked = process.env.CYPHERLINT_JOBS;
  if (asked !== undefined && asked !== '') {
    const n = Number(asked);
    if (!Number.isInteger(n) || n < 1) fail(2, `CYPHERLINT_JOBS must be a positive integer, not ${asked}`);
    return Math.min(n, Math.max(queries, 1));
  }
  return Math.max(1, Math.min(availableParallelism(), MAX_JOBS, Math.ceil(queries / QUERIES_PER_JOB)));
}

function runWorker(input, items) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { input, items }, stdout: true });
    worker.stdout.pipe(process.stderr); // nothing but the JSON result may reach stdout
    let answer;
    worker.on('message', (msg) => (answer = msg));
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (answer?.error) reject(new Error(answer.error));
      else if (code !== 0 || !answer) reject(new Error(`a lint worker exited with status ${code}`));
      else resolve(answer.results);
    });
  });
}

async function main() {
  const input = checkInput(readInput(process.argv.slice(2)));
  const items = input.queries.map((q, i) => [i, q]);
  const jobs = jobCount(items.length);
  let pairs;
  try {
    if (jobs === 1) {
      // Nothing but the JSON result may reach stdout.
      console.log = console.info = console.debug = console.warn;
      pairs = await lintAll(input, items);
    } else {
      // Interleaved shares: neighbouring queries (expansions of one template) cost the same.
      const shares = Array.from({ length: jobs }, (_, j) => items.filter(([i]) => i % jobs === j));
      pairs = (await Promise.all(shares.map((share) => runWorker(input, share)))).flat();
    }
  } catch (err) {
    fail(1, err?.message ?? String(err));
  }
  const results = new Array(items.length);
  for (const [index, result] of pairs) results[index] = result;
  process.stdout.write(JSON.stringify(results) + '\n');
}

async function worker() {
  const { input, items } = workerData;
  try {
    parentPort.postMessage({ results: await lintAll(input, items) });
  } catch (err) {
    parentPort.postMessage({ error: err?.message ?? String(err) });
  }
}

if (isMainThread) await main();
else await worker();
