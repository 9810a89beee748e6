// webhook_receiver.mjs DIR - a webhook receiver for the notification test.
//
// Listens on a free loopback port (written to DIR/port) and appends one
// JSON line per POST to DIR/received: the delivery number, whether the
// X-Kiban-Signature header checks out against the secret in DIR/secret
// (HMAC-SHA256 over "<t>.<body>", computed here with Node's own crypto),
// and the body.  The first request gets 500, to make the server retry;
// later ones get 204.  Every TCP connection accepted, whatever comes on it,
// appends a line to DIR/connections.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const dir = process.argv[2];
let requests = 0;

function verified(header, body) {
	const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header || '');
	if (!m) return false;
	const secret = readFileSync(`${dir}/secret`, 'utf8').trim();
	const mac = createHmac('sha256', secret).update(`${m[1]}.`).update(body).digest();
	return timingSafeEqual(mac, Buffer.from(m[2], 'hex'));
}

createServer((req, res) => {
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', () => {
		const body = Buffer.concat(chunks);
		requests++;
		appendFileSync(`${dir}/received`, JSON.stringify({
			delivery: req.headers['x-kiban-delivery'],
			type: req.headers['content-type'],
			verified: verified(req.headers['x-kiban-signature'], body),
			status: requests === 1 ? 500 : 204,
			body: JSON.parse(body.toString('utf8')),
		}) + '\n');
		res.writeHead(requests === 1 ? 500 : 204);
		res.end();
	});
}).on('connection', () => {
	appendFileSync(`${dir}/connections`, 'connection\n');
}).listen(0, '127.0.0.1', function () {
	writeFileSync(`${dir}/port`, String(this.address().port));
});
