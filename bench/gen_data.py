#!/usr/bin/env python3
"""Generate benchmark data for bench/run.sh (standard library only, seeded).

  gen_data.py OUTDIR [--docs N] [--messages M]

Writes into OUTDIR:
  docs_<kind>.copy       N documents per kind (ticketing EVENT, gym
                         CONTRACT_IDLE_PERIOD_CREATED delivery, court
                         BOOKING_CREATED_V1 envelope), ~5% invalid variants
                         (missing required field, wrong type, bad date-time,
                         extra property / bad email), one jsonb per line
  schema_<kind>.json     the type's built-in schema with every $ref and
                         $dynamicRef inlined: the peers support neither URN
                         references nor $dynamicRef, so all validators get
                         this same plain document
  messages.copy          M mixed inbox messages (source TAB payload TAB
                         tenant) for the full-pipeline benchmark: gym
                         check-ins / customers / contracts, ticketing
                         customers / orders / reservations, court bookings,
                         ~2% webhook retries
"""

import argparse
import copy
import json
import os
import random
import uuid
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = os.path.join(HERE, "..", "schemas")
KINDS = {
    "ticketing_event": ("ticketing", "EVENT"),
    "gym_idle_period": ("gym", "CONTRACT_IDLE_PERIOD_CREATED"),
    "court_booking": ("court_booking", "BOOKING_CREATED_V1"),
}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def shared_documents():
    docs = {}
    for source in ("gym", "ticketing", "court_booking"):
        folder = os.path.join(SCHEMAS, source)
        for f in os.listdir(folder):
            if f.startswith("_"):
                d = load(os.path.join(folder, f))
                docs[d["$id"]] = d
    return docs


def inline(schema, shared):
    """Resolve $ref / $dynamicRef statically for one type: the result has
    the same meaning for this type's messages and no references."""
    own = schema
    anchors = {}
    for name, d in own.get("$defs", {}).items():
        if isinstance(d, dict) and "$dynamicAnchor" in d:
            anchors[d["$dynamicAnchor"]] = d

    def target(ref, base):
        uri, _, frag = ref.partition("#")
        doc = shared[uri] if uri else base
        node = doc
        for tok in frag.split("/")[1:]:
            node = node[tok.replace("~1", "/").replace("~0", "~")]
        return node, doc

    def walk(node, base, depth=0):
        if depth > 50:
            raise RuntimeError("reference cycle")
        if isinstance(node, list):
            return [walk(x, base, depth) for x in node]
        if not isinstance(node, dict):
            return node
        out = {}
        parts = []
        for k, v in node.items():
            if k in ("$schema", "$id", "$defs", "x-event-type", "$dynamicAnchor",
                     "$anchor", "deprecated", "examples", "description", "title"):
                continue
            if k == "$ref":
                t, doc = target(v, base)
                parts.append(walk(t, doc, depth + 1))
            elif k == "$dynamicRef":
                parts.append(walk(anchors[v.lstrip("#")], own, depth + 1))
            elif k in ("properties", "patternProperties"):
                out[k] = {p: walk(s, base, depth) for p, s in v.items()}
            elif k in ("const", "enum"):
                out[k] = v
            else:
                out[k] = walk(v, base, depth)
        if parts:
            return {"allOf": parts + ([out] if out else [])}
        return out

    return walk(own, own)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def ticketing_event(rng, i, t):
    return {
        "metadata": {"traceId": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                     "occurredAt": iso(t), "version": "1.0", "tenant": "1337", "type": "EVENT"},
        "eventId": str(540000 + i), "eventNumber": "2024%04d-%09d" % (i % 10000, i),
        "eventGroupId": str(870000 + i % 500), "eventGroupTitle": "Große Oper: Der Wanderer",
        "priceProfileId": str(12000 + i % 50),
        "title": "Eine Aufführung Nr. %d" % i,
        "description": "Tauchen Sie ein in die magische Welt der Oper.",
        "startDateTime": iso(t + timedelta(days=30)),
        "endDateTime": iso(t + timedelta(days=30, hours=3)),
        "venue": {"id": "15742", "name": "Theater am Lindenpark",
                  "address": {"country": "DE", "locality": "Friedenburg",
                              "postalCode": "12345", "street": "Am Theaterplatz 12"}},
        "location": {"id": "30985", "name": "Großer Bühnensaal"},
        "genres": ["Theater", "Oper"],
    }


def gym_idle_period(rng, i, t):
    return {
        "entityId": 1210000000 + i % 20000,
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "payload": [{
            "timestamp": int(t.timestamp() * 1000),
            "type": "CONTRACT_IDLE_PERIOD_CREATED",
            "content": {"contractId": 1210001000 + i % 20000, "idlePeriodId": 9000000 + i,
                        "idlePeriodAmount": 2, "usedFreeTermsInDays": 14},
        }],
    }


def court_booking(rng, i, t):
    start = t + timedelta(days=3)
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "detail-type": "BookingCreatedV1",
        "timestamp": iso(t),
        "detail": {
            "owner": {"customerId": "CUST%06d" % (i % 20000),
                      "userId": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                      "firstName": "Anna", "lastName": "Lindqvist",
                      "email": "anna%d@example.se" % i, "city": "Malmö", "country": "SE",
                      "dateOfBirth": "1988-04-12", "isOrganization": False,
                      "registrationDate": "2023-07-04T10:00:00Z"},
            "booking": {"bookingId": str(1230000 + i), "startTime": iso(start),
                        "endTime": iso(start + timedelta(minutes=90)),
                        "courtId": "C%03d" % (i % 12), "courtName": "Padel %d" % (i % 12),
                        "splitPayment": True, "totalPrice": "540.00"},
            "players": [{"customerId": "CUST%06d" % (i % 20000), "isCustomer": True,
                         "email": "anna%d@example.se" % i}],
            "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"},
        },
    }


def break_doc(kind, d, variant):
    """One of four invalid variants per kind."""
    d = copy.deepcopy(d)
    if kind == "ticketing_event":
        if variant == 0:
            del d["title"]
        elif variant == 1:
            d["eventId"] = 42
        elif variant == 2:
            d["startDateTime"] = "2024-13-45T25:00:00Z"
        else:
            d["unexpected"] = True
    elif kind == "gym_idle_period":
        item = d["payload"][0]
        if variant == 0:
            del item["content"]["contractId"]
        elif variant == 1:
            item["content"]["usedFreeTermsInDays"] = "fourteen"
        elif variant == 2:
            item["timestamp"] = "yesterday"
        else:
            d["uuid"] = "not-a-uuid"
    else:
        body = d["detail"]
        if variant == 0:
            del body["booking"]["courtId"]
        elif variant == 1:
            body["players"] = {"customerId": "x"}
        elif variant == 2:
            body["booking"]["startTime"] = "2024-07-04 10:00"
        else:
            body["owner"]["email"] = "not an email"
    return d


def copy_escape(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def dump(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def mixed_message(rng, i, t):
    """One inbox message of the pipeline mix: (source, payload, tenant)."""
    r = rng.random()
    cust = 1210000000 + rng.randrange(50000)
    uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    ms = int(t.timestamp() * 1000)
    if r < 0.35:
        typ = "CUSTOMER_CHECKIN" if rng.random() < 0.5 else "CUSTOMER_CHECKOUT"
        return "gym", {"entityId": cust, "uuid": uid,
                       "payload": [{"timestamp": ms, "type": typ}]}, "studio-%d" % (cust % 7)
    if r < 0.45:
        typ = rng.choice(["CUSTOMER_CREATED", "CUSTOMER_UPDATED"])
        return "gym", {"entityId": cust, "uuid": uid,
                       "payload": [{"timestamp": ms, "type": typ}]}, "studio-%d" % (cust % 7)
    if r < 0.55:
        typ = rng.choice(["CONTRACT_CREATED", "CONTRACT_IDLE_PERIOD_CREATED", "CONTRACT_UPDATED"])
        content = {"contractId": cust + 1000000}
        if "IDLE" in typ:
            content["idlePeriodId"] = 9000000 + i
        return "gym", {"entityId": cust, "uuid": uid,
                       "payload": [{"timestamp": ms, "type": typ, "content": content}]}, \
            "studio-%d" % (cust % 7)
    if r < 0.62:
        typ = rng.choice(["CLASS_BOOKING_CREATED", "CLASS_BOOKING_CANCELLED"])
        return "gym", {"entityId": 1210080000 + rng.randrange(30000), "uuid": uid,
                       "payload": [{"timestamp": ms, "type": typ}]}, "studio-%d" % (cust % 7)
    if r < 0.72:
        cid = "rxrn:cx:1337:customer:c%06d" % rng.randrange(20000)
        return "ticketing", {
            "metadata": {"traceId": uid, "occurredAt": iso(t), "version": "1.0",
                         "tenant": "1337", "type": "CUSTOMER"},
            "customerId": cid, "customerNumber": str(100000 + i),
            "advertisingConsent": {"emailConsent": True, "changeDateTime": iso(t)},
            "firstName": "Jana", "lastName": "Graf", "email": "jana%d@example.de" % i,
            "addresses": [{"addressType": "BILLING", "city": "Leipzig", "country": "DE"}],
            "telephoneNumbers": [{"type": "MOBILE", "number": "+49 170 %07d" % i}],
        }, None
    if r < 0.82:
        typ = rng.choice(["ORDER", "RESERVATION"])
        key = "orderId" if typ == "ORDER" else "reservationId"
        when = "orderDateTime" if typ == "ORDER" else "reservationDateTime"
        return "ticketing", {
            "metadata": {"traceId": uid, "occurredAt": iso(t), "version": "1.0",
                         "tenant": "1337", "type": typ},
            key: str(20250000 + i), "customerId": "rxrn:cx:1337:customer:c%06d" % rng.randrange(20000),
            "currency": "EUR", "price": 140.44, when: iso(t),
            "singleTickets": [{"positionId": "p1", "eventId": "542381", "price": 70.22},
                              {"positionId": "p2", "eventId": "542381", "price": 70.22}],
        }, None
    d = court_booking(rng, i, t)
    d["id"] = uid
    if rng.random() < 0.3:
        d["detail-type"] = "BookingCancelledV1"
    return "court_booking", d, "club-1"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--docs", type=int, default=100000, help="documents per kind")
    ap.add_argument("--messages", type=int, default=200000, help="mixed inbox messages")
    args = ap.parse_args()
    out, ndocs, nmsg = args.outdir, args.docs, args.messages
    os.makedirs(out, exist_ok=True)
    shared = shared_documents()
    rng = random.Random(20261123)
    base = datetime(2025, 1, 1, tzinfo=timezone.utc)
    gens = {"ticketing_event": ticketing_event, "gym_idle_period": gym_idle_period,
            "court_booking": court_booking}
    for kind, (source, name) in KINDS.items():
        schema = load(os.path.join(SCHEMAS, source, name + ".json"))
        with open(os.path.join(out, "schema_%s.json" % kind), "w", encoding="utf-8") as f:
            f.write(dump(inline(schema, shared)))
        with open(os.path.join(out, "docs_%s.copy" % kind), "w", encoding="utf-8") as f:
            for i in range(ndocs):
                d = gens[kind](rng, i, base + timedelta(seconds=i))
                if i % 20 == 7:                       # 5% invalid, four kinds
                    d = break_doc(kind, d, (i // 20) % 4)
                f.write(copy_escape(dump(d)) + "\n")
    with open(os.path.join(out, "messages.copy"), "w", encoding="utf-8") as f:
        recent = []
        for i in range(nmsg):
            if recent and rng.random() < 0.02:        # webhook retry
                src, d, tenant = rng.choice(recent)
            else:
                src, d, tenant = mixed_message(rng, i, base + timedelta(seconds=i))
                recent = (recent + [(src, d, tenant)])[-100:]
            f.write("%s\t%s\t%s\n" % (src, copy_escape(dump(d)),
                                      "\\N" if tenant is None else tenant))


if __name__ == "__main__":
    main()
