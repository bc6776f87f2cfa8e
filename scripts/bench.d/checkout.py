#!/usr/bin/env python3
"""Guest checkout load for scripts/bench: N concurrent shoppers, Python 3 stdlib only (asyncio).

    checkout.py --base http://127.0.0.1:58499 --variants variants.json [--shoppers 32]
                [--duration 10s] [--pay] [--seed 1] [--json-out FILE]

Each shopper holds one keep-alive connection and, until the duration is over, repeats a flow
through the Store API:

    POST /api/v1/carts                      -> 201 {id, token}
    POST /api/v1/carts/{id}/items           X-Cart-Token, {"sku", "quantity": 1} -> 200
    POST /api/v1/checkout                   X-Cart-Token, {cartId, email, shippingAddress,
                                            shippingMethod} -> 201 {id, token, ...}
    POST /api/v1/orders/{id}/payment        (--pay) X-Order-Token, {"card": "4242…"} -> 200, paid

SKUs come from variants.json (urls.py generate: in-stock variants of a sample of products). A
409 (`insufficient_stock` when adding, `out_of_stock` at checkout) takes the SKU out of the
pool: selling out is expected and counted on its own, not as an error; when adding fails the
shopper tries another SKU (up to three) in the same cart. Addresses and shipping methods are the
seed's: standard (DE, AT, FR, NL, …), express (DE, AT), international (anywhere, here US-CA).

Prints a summary to stderr and one JSON object to stdout (or --json-out): completed orders and
orders/s, p50/p99 of a whole completed flow, p50 of each step, 409s, other non-2xx by request and
status, connection errors, and the client's own CPU time (it shares the machine with the server).
"""

import argparse
import asyncio
import json
import os
import random
import re
import sys
import time
import urllib.parse

CARD = "4242424242424242"  # TestPaymentProvider.Card.succeeds
ADDRESSES = [
    ({"name": "Ana Example", "line1": "Hauptstraße 1", "city": "Berlin", "postalCode": "10115", "country": "DE"},
     ["standard", "express"]),
    ({"name": "Jonas Muster", "line1": "Ringstraße 5", "city": "Wien", "postalCode": "1010", "country": "AT"},
     ["standard", "express"]),
    ({"name": "Claire Exemple", "line1": "1 Rue de Rivoli", "city": "Paris", "postalCode": "75001",
      "country": "FR"}, ["standard"]),
    ({"name": "Sanne Voorbeeld", "line1": "Damrak 1", "city": "Amsterdam", "postalCode": "1012 LG",
      "country": "NL"}, ["standard"]),
    ({"name": "Sam Example", "line1": "1 Market St", "city": "San Francisco", "postalCode": "94103",
      "country": "US", "region": "CA"}, ["international"]),
]


def seconds(text):
    """wrk-style durations: 10s, 2m, 1h, 500ms, or a plain number of seconds."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*(ms|s|m|h)?\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r}")
    return float(match.group(1)) * {"ms": 0.001, "s": 1, None: 1, "m": 60, "h": 3600}[match.group(2)]


def percentile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class ConnectionFailed(Exception):
    pass


class Connection:
    """A minimal HTTP/1.1 keep-alive client over asyncio streams (Content-Length and chunked bodies)."""

    def __init__(self, host, port, timeout):
        self.host, self.port, self.timeout = host, port, timeout
        self.reader = self.writer = None

    async def close(self):
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None

    async def request(self, method, path, body=None, headers=None):
        try:
            return await asyncio.wait_for(self._request(method, path, body, headers or {}), self.timeout)
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as error:
            await self.close()
            raise ConnectionFailed(type(error).__name__) from error

    async def _request(self, method, path, body, headers):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        data = json.dumps(body).encode() if body is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept: application/json",
                 f"Content-Length: {len(data)}"]
        if body is not None:
            lines.append("Content-Type: application/json")
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise asyncio.IncompleteReadError(b"", None)
        status = int(status_line.split()[1])
        response_headers = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            response_headers[name.strip().lower()] = value.strip()
        if "content-length" in response_headers:
            payload = await self.reader.readexactly(int(response_headers["content-length"]))
        elif response_headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            payload = b"".join(chunks)
        else:
            payload = b""
        if response_headers.get("connection", "").lower() == "close":
            await self.close()
        return status, payload


def error_code(payload):
    try:
        return json.loads(payload)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return ""


class Stats:
    def __init__(self):
        self.flows = []  # seconds per completed flow
        self.steps = {"cart": [], "add": [], "checkout": [], "pay": []}
        self.started = 0
        self.completed = 0
        self.out_of_stock = 0  # 409 insufficient_stock (add) / out_of_stock (checkout)
        self.out_of_stock_by_step = {}
        self.abandoned = 0  # flows that ended without an order (stock, errors)
        self.errors = {}  # "step status code" -> count, every non-2xx but the stock 409s
        self.connection_errors = {}
        self.sold_out = set()

    def stock(self, step, sku, pool):
        """A 409 because the SKU has no stock left: counted apart, and the SKU leaves the pool."""
        self.out_of_stock += 1
        self.out_of_stock_by_step[step] = self.out_of_stock_by_step.get(step, 0) + 1
        self.sold_out.add(sku)
        pool.sold_out(sku)

    def error(self, step, status, payload):
        key = f"{step} {status} {error_code(payload)}".strip()
        self.errors[key] = self.errors.get(key, 0) + 1


class Pool:
    """The SKUs still believed in stock."""

    def __init__(self, variants, rng):
        self.skus = [v["sku"] for v in variants]
        self.index = {sku: i for i, sku in enumerate(self.skus)}
        self.rng = rng

    def pick(self):
        return self.rng.choice(self.skus) if self.skus else None

    def sold_out(self, sku):
        i = self.index.pop(sku, None)
        if i is None:
            return
        last = self.skus.pop()
        if last != sku:
            self.skus[i] = last
            self.index[last] = i


async def shopper(number, args, host, port, pool, stats, deadline):
    rng = random.Random(args.seed * 1_000_003 + number)
    conn = Connection(host, port, args.timeout)
    sequence = 0
    try:
        while time.monotonic() < deadline and pool.skus:
            sequence += 1
            stats.started += 1
            try:
                done = await flow(number, sequence, conn, rng, args, pool, stats)
            except ConnectionFailed as failure:
                stats.connection_errors[str(failure)] = stats.connection_errors.get(str(failure), 0) + 1
                done = False
            if not done:
                stats.abandoned += 1
    finally:
        await conn.close()


async def timed(stats, step, coroutine):
    start = time.monotonic()
    result = await coroutine
    stats.steps[step].append(time.monotonic() - start)
    return result


async def flow(number, sequence, conn, rng, args, pool, stats):
    start = time.monotonic()
    status, payload = await timed(stats, "cart", conn.request("POST", "/api/v1/carts"))
    if status != 201:
        stats.error("cart", status, payload)
        return False
    cart = json.loads(payload)
    cart_headers = {"X-Cart-Token": cart["token"]}

    for _ in range(3):
        sku = pool.pick()
        if sku is None:
            return False
        status, payload = await timed(stats, "add", conn.request(
            "POST", f"/api/v1/carts/{cart['id']}/items", {"sku": sku, "quantity": 1}, cart_headers))
        if status == 200:
            break
        if status == 409 and error_code(payload) == "insufficient_stock":
            stats.stock("add", sku, pool)
            continue
        stats.error("add", status, payload)
        return False
    else:
        return False

    address, methods = rng.choice(ADDRESSES)
    body = {"cartId": cart["id"], "email": f"shopper{number}.{sequence}@example.com",
            "shippingAddress": address, "shippingMethod": rng.choice(methods)}
    status, payload = await timed(stats, "checkout", conn.request("POST", "/api/v1/checkout", body, cart_headers))
    if status == 409 and error_code(payload) == "out_of_stock":
        stats.stock("checkout", sku, pool)
        return False
    if status != 201:
        stats.error("checkout", status, payload)
        return False
    order = json.loads(payload)

    if args.pay:
        status, payload = await timed(stats, "pay", conn.request(
            "POST", f"/api/v1/orders/{order['id']}/payment", {"card": CARD}, {"X-Order-Token": order["token"]}))
        if status != 200:
            stats.error("pay", status, payload)
            return False
        if json.loads(payload).get("status") != "paid":
            stats.error("pay", f"{status}-not-paid", b"")
            return False

    stats.completed += 1
    stats.flows.append(time.monotonic() - start)
    return True


def ms(value):
    return None if value is None else round(value * 1000, 2)


async def run(args):
    with open(args.variants, encoding="utf-8") as file:
        variants = json.load(file)
    if not variants:
        raise SystemExit("checkout.py: no in-stock variants to buy")
    parsed = urllib.parse.urlsplit(args.base)
    host, port = parsed.hostname, parsed.port or 80
    pool = Pool(variants, random.Random(args.seed))
    stats = Stats()
    cpu_before = os.times()
    began = time.monotonic()
    deadline = began + args.duration
    await asyncio.gather(*(shopper(n, args, host, port, pool, stats, deadline) for n in range(args.shoppers)))
    elapsed = time.monotonic() - began
    cpu = os.times()
    result = {
        "mode": "checkout+payment" if args.pay else "checkout",
        "shoppers": args.shoppers,
        "seconds": round(elapsed, 2),
        "orders": stats.completed,
        "orders_per_s": round(stats.completed / elapsed, 2) if elapsed else 0,
        "p50_ms": ms(percentile(stats.flows, 0.50)),
        "p99_ms": ms(percentile(stats.flows, 0.99)),
        "steps_p50_ms": {step: ms(percentile(values, 0.5)) for step, values in stats.steps.items() if values},
        "flows_started": stats.started,
        "flows_abandoned": stats.abandoned,
        "out_of_stock_409": stats.out_of_stock,
        "out_of_stock_409_by_step": stats.out_of_stock_by_step,
        "sold_out_skus": len(stats.sold_out),
        "pool_skus": len(variants),
        "pool_units": sum(v["available"] for v in variants),
        "pool_skus_left": len(pool.skus),
        "pool_exhausted": not pool.skus,
        "non2xx": sum(stats.errors.values()),
        "errors": stats.errors,
        "connection_errors": stats.connection_errors,
        "client_cpu_s": round((cpu.user - cpu_before.user) + (cpu.system - cpu_before.system), 2),
    }
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True)
    parser.add_argument("--variants", required=True)
    parser.add_argument("--shoppers", type=int, default=32)
    parser.add_argument("--duration", type=seconds, default=10.0)
    parser.add_argument("--pay", action="store_true", help="pay each order with the test provider's card")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--json-out")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    text = json.dumps(result)
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    else:
        print(text)
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(result["errors"].items())) or "none"
    print(
        f"{result['mode']}: {result['orders']} orders in {result['seconds']} s = {result['orders_per_s']} orders/s "
        f"({args.shoppers} shoppers), flow p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms; "
        f"steps p50 {result['steps_p50_ms']}; 409 out of stock {result['out_of_stock_409']}"
        f"{' ' + str(result['out_of_stock_409_by_step']) if result['out_of_stock_409'] else ''}"
        f" ({result['sold_out_skus']} SKUs sold out, {result['pool_skus_left']} of {result['pool_skus']} left); "
        f"other non-2xx {result['non2xx']} ({errors}); connection errors {result['connection_errors'] or 'none'}; "
        f"client CPU {result['client_cpu_s']} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
