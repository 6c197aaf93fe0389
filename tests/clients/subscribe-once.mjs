// The reference graphql-ws client subscribes, a mutation is made over HTTP with a token,
// and the subscription must see it: node subscribe-once.mjs http://127.0.0.1:PORT TOKEN
// (scripts/check-wheel runs it against the wheel served from a clean venv).
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, token] = process.argv.slice(2);
const slug = `graphql-ws-${process.pid}`;
const client = createClient({
  url: `${url.replace("http://", "ws://")}/graphql`,
  webSocketImpl: WebSocket,
  retryAttempts: 0,
});
const events = client.iterate({
  query: "subscription { recordChanged(kinds: [ACTOR]) { record { ... on Actor { slug } } } }",
});
const next = events.next();
await new Promise((resolve) => setTimeout(resolve, 300)); // subscribed before the write
const response = await fetch(`${url}/graphql`, {
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
  body: JSON.stringify({
    query: `mutation($input: CreateActorInput!) { createActor(input: $input) { errors { code } } }`,
    variables: { input: { slug, kind: "STATE", name: slug } },
  }),
});
const written = await response.json();
const timeout = setTimeout(() => {
  console.error("graphql-ws: no event within 15 s");
  process.exit(1);
}, 15000);
const event = await next;
clearTimeout(timeout);
await events.return();
await client.dispose();
const seen = event.value?.data?.recordChanged?.record?.slug;
if (seen !== slug) {
  console.error(`graphql-ws: expected ${slug}, got ${JSON.stringify(event)} (write: ${JSON.stringify(written)})`);
  process.exit(1);
}
console.log(`graphql-ws subscription OK: ${seen}`);
