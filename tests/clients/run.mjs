// Client apps of the JavaScript ecosystem against the service, as their docs configure them:
// Apollo Client 4 with its persisted-query link (sha256 from node:crypto) and the
// reference graphql-ws client. Driven by tests/clients/test_node_clients.py, which starts
// the services and passes a plan as a JSON file: node run.mjs plan.json
// Prints one JSON report on stdout; exits 1 with the failures on stderr.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { parse } from "graphql";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const failures = [];
const report = { modes: {}, subscription: {} };

function check(condition, message) {
  if (!condition) failures.push(message);
  return condition;
}

function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** An Apollo Client on `url` whose requests are recorded (had they the text?). */
function apollo(url, sent) {
  const recordingFetch = async (input, init) => {
    const body = init?.body ? JSON.parse(init.body) : {};
    const response = await fetch(input, init);
    const answer = await response.clone().text();
    sent.push({ withText: typeof body.query === "string", status: response.status, answer });
    return response;
  };
  const sha256 = (text) => createHash("sha256").update(text).digest("hex");
  const link = createPersistedQueryLink({ sha256 }).concat(
    new HttpLink({ uri: `${url}/graphql`, fetch: recordingFetch }),
  );
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

const bearer = (token) => ({ headers: { authorization: `Bearer ${token}` } });

function codes(result) {
  return (result.error?.errors ?? []).map((e) => e.extensions?.code);
}

/** Every planned operation runs by its hash alone: one request, no text, no error. */
async function registeredOperations(mode, url) {
  const ran = [];
  for (const step of plan.operations.filter((s) => !s.mode || s.mode === mode)) {
    const sent = [];
    const client = apollo(url, sent);
    const document = parse(readFileSync(`${plan.operationsDir}/${step.file}`, "utf8"));
    const context = step.token ? bearer(plan.tokens[step.token]) : {};
    const options = { variables: step.variables, errorPolicy: "all", context };
    const result = step.mutation
      ? await client.mutate({ mutation: document, ...options })
      : await client.query({ query: document, fetchPolicy: "network-only", ...options });
    const where = `${mode} ${step.file}`;
    check(!result.error, `${where}: ${result.error}`);
    check(result.data && Object.keys(result.data).length > 0, `${where}: no data`);
    check(
      sent.length === 1 && !sent[0].withText,
      `${where}: not answered by its hash alone: ${JSON.stringify(sent)}`,
    );
    if (step.mutation) {
      const payload = Object.values(result.data ?? {})[0];
      check(payload?.errors?.length === 0, `${where}: ${JSON.stringify(payload)}`);
    }
    ran.push(step.file);
  }
  return ran;
}

/** A document the service does not know: APQ's fallback, then (trusted-only off) its hash. */
async function adHocDocument(mode, url) {
  const document = parse(`query AdHoc${mode} { actors(first: 1) { totalCount } }`);
  const sent = [];
  const first = await apollo(url, sent).query({ query: document, errorPolicy: "all" });
  const shape = sent.map((request) => (request.withText ? "text" : "hash"));
  const notFound = JSON.parse(sent[0]?.answer ?? "{}").errors?.[0]?.extensions?.code;
  check(notFound === "PERSISTED_QUERY_NOT_FOUND", `${mode} ad hoc: first answer ${notFound}`);
  check(shape.join() === "hash,text", `${mode} ad hoc: requests ${shape}`);
  const outcome = { requests: shape, firstAnswer: notFound };
  if (mode === "strict") {
    outcome.codes = codes(first);
    check(
      outcome.codes.join() === "DOCUMENT_NOT_TRUSTED",
      `strict ad hoc: refused with ${outcome.codes}, status ${sent[1]?.status}`,
    );
    check(!sent.some((r) => r.answer.trim()[0] !== "{"), `strict ad hoc: a body not JSON`);
    return outcome;
  }
  check(!first.error && first.data?.actors, `normal ad hoc: ${first.error}`);
  // Another client (its own hash cache): the hash alone is known now.
  const later = [];
  const second = await apollo(url, later).query({ query: document, errorPolicy: "all" });
  outcome.later = later.map((request) => (request.withText ? "text" : "hash"));
  check(outcome.later.join() === "hash", `normal ad hoc again: requests ${outcome.later}`);
  check(!second.error, `normal ad hoc again: ${second.error}`);
  return outcome;
}

function subscribe(url, query, variables, connectionParams) {
  const client = createClient({
    url: `${url.replace("http://", "ws://")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
  });
  return { client, events: client.iterate({ query, variables }) };
}

/** graphql-ws on one instance sees writes made through another, then resumes. */
async function subscriptionAcrossInstances() {
  const query = `subscription($after: String) { recordChanged(kinds: [ACTOR], afterChangeId: $after) {
    changeId record { ... on Actor { slug } } } }`;
  const live = subscribe(plan.normal, query, {}, {});
  const next = live.events.next();
  await new Promise((resolve) => setTimeout(resolve, 300)); // subscribed before the writes
  const writer = apollo(plan.other, []);
  const create = parse(readFileSync(`${plan.operationsDir}/create-actor.graphql`, "utf8"));
  const slugs = ["node-one", "node-two"];
  for (const slug of slugs) {
    const input = { slug, kind: "STATE", name: slug };
    const made = await writer.mutate({
      mutation: create, variables: { input }, errorPolicy: "all", context: bearer(plan.tokens.editor),
    });
    check(made.data?.createActor?.errors?.length === 0, `write ${slug}: ${made.error}`);
  }
  const events = [await within(15000, next, "first event"), await within(15000, live.events.next(), "second event")];
  await live.events.return();
  await live.client.dispose();
  const changes = events.map((event) => event.value?.data?.recordChanged);
  check(changes.map((c) => c?.record?.slug).join() === slugs.join(), `events ${JSON.stringify(events)}`);
  // Resumed after the first, on the other instance, with a token in connection_init.
  const resumed = subscribe(plan.other, query, { after: changes[0]?.changeId }, { token: plan.tokens.editor });
  const again = await within(15000, resumed.events.next(), "resumed event");
  await resumed.events.return();
  await resumed.client.dispose();
  check(JSON.stringify(again.value?.data?.recordChanged) === JSON.stringify(changes[1]), `resumed ${JSON.stringify(again)}`);
  return { events: changes.map((c) => c?.record?.slug), resumedAt: changes[1]?.changeId };
}

try {
  for (const [mode, url] of [["normal", plan.normal], ["strict", plan.strict]]) {
    report.modes[mode] = {
      operations: await registeredOperations(mode, url),
      adHoc: await adHocDocument(mode, url),
    };
  }
  report.subscription = await subscriptionAcrossInstances();
} catch (error) {
  failures.push(`crashed: ${error?.stack ?? error}`);
}
console.log(JSON.stringify(report));
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
process.exit(0);
