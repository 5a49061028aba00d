import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes } from '../model';
import { databaseNode, environmentOf, messagingDestinationNode, peerAddress, peerNode } from './virtual-nodes';
import { nodeId } from './types';

/** Where a CLIENT span goes: its database at once, else (when no server answers) its peer. */
const peer = (attributes: Attributes) => {
  const node = databaseNode(attributes) ?? peerNode(attributes);
  return node ? nodeId(node) : undefined;
};

test('client peers, by preference, across semantic-convention versions', () => {
  const cases: Array<[Attributes, string | undefined]> = [
    [{ 'service.peer.name': 'billing', 'peer.service': 'old-billing', 'server.address': 'b.local' }, 'external:billing'],
    [{ 'peer.service': 'billing', 'server.address': 'b.local' }, 'external:billing'],
    [{ 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'server.address': 'pg' }, 'database:postgresql/shop'],
    [{ 'db.system': 'postgresql', 'peer.service': 'orders-db' }, 'database:postgresql'],
    [{ 'db.system': 'postgresql', 'db.name': 'shop' }, 'database:postgresql/shop'],
    [{ 'db.system.name': 'mysql' }, 'database:mysql'],
    [{ 'db.system': 'redis', 'db.name': '0' }, 'cache:redis'],
    [{ 'db.system.name': 'redis', 'db.namespace': 'sessions' }, 'cache:redis/sessions'],
    [{ 'db.system': 'memcached' }, 'cache:memcached'],
    [{ 'server.address': 'api.example.com', 'server.port': 443 }, 'external:api.example.com'],
    [{ 'server.address': 'api.example.com', 'server.port': 8443 }, 'external:api.example.com:8443'],
    [{ 'net.peer.name': 'legacy.local', 'net.peer.port': 80 }, 'external:legacy.local'],
    [{ 'http.host': 'old-http:8080' }, 'external:old-http:8080'],
    [{ 'url.full': 'https://pay.example.com/v1/charge' }, 'external:pay.example.com'],
    [{ 'http.url': 'http://10.1.2.3:9000/x' }, 'external:10.1.2.3:9000'],
    [{ 'url.full': 'not a url' }, undefined],
    [{ 'peer.service': '' }, undefined],
    [{}, undefined],
  ];
  for (const [attributes, expected] of cases) assert.equal(peer(attributes), expected, JSON.stringify(attributes));
});

test('messaging destinations: current and older names, templates and temporary queues', () => {
  const dest = (a: Attributes) => {
    const node = messagingDestinationNode(a);
    return node ? nodeId(node) : undefined;
  };
  assert.equal(dest({ 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' }), 'messaging:kafka/orders');
  assert.equal(dest({ 'messaging.system': 'rabbitmq', 'messaging.destination': 'jobs' }), 'messaging:rabbitmq/jobs');
  assert.equal(dest({ 'messaging.system': 'kafka', 'messaging.source.name': 'events' }), 'messaging:kafka/events');
  assert.equal(dest({ 'messaging.destination.name': 'bare' }), 'messaging:bare');
  assert.equal(
    dest({ 'messaging.system': 'kafka', 'messaging.destination.name': 'user-42', 'messaging.destination.template': 'user-{id}' }),
    'messaging:kafka/user-{id}',
  );
  assert.equal(
    dest({ 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'amq.gen-Xa2', 'messaging.destination.temporary': true }),
    'messaging:rabbitmq/(temporary)',
  );
  assert.equal(dest({ 'messaging.system': 'kafka' }), undefined);
});

test('database nodes only for database calls', () => {
  assert.equal(databaseNode({ 'server.address': 'x' }), undefined);
  assert.deepEqual(databaseNode({ 'db.system.name': 'in-memory' }), { kind: 'database', name: 'in-memory' });
});

test('IPv6 peers keep their brackets when a port follows', () => {
  assert.equal(peerAddress({ 'server.address': '::1', 'server.port': 8080 }), '[::1]:8080');
  assert.equal(peerAddress({ 'server.address': '::1' }), '::1');
});

test('environment from the resource, new name first', () => {
  assert.equal(environmentOf({ 'deployment.environment.name': 'prod', 'deployment.environment': 'old' }), 'prod');
  assert.equal(environmentOf({ 'deployment.environment': 'staging' }), 'staging');
  assert.equal(environmentOf({}), '');
});
