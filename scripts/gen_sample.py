#!/usr/bin/env python3
"""Write a realistic sample of vendor messages as SQL, for the README demo.

  scripts/gen_sample.py [--seed N] [FIXTURES_DIR] > sample.sql

One week (2024-06-03 .. 2024-06-09) of webhooks from the three sources, built
from the message shapes in test/fixtures/valid/ (which follow the vendor
documents in docs/seeds/), with other ids, names and times:

  gym            two studios (tenant hint): customers created / updated /
                 checked in and out / disabled / deleted, contracts with
                 modules and idle periods, class and appointment bookings,
                 automatic checkouts at closing time, staff and studio events;
  court_booking  a padel club: bookings created, moved and cancelled (V1 and
                 V2), activity occasions, a deleted customer, two bare bodies
                 typed by the receiver's hints;
  ticketing      a theatre box office: customers, events, reservations and
                 their cancellations, orders with tickets, full and partial
                 cancellations, a credit note, price profiles.

and what a receiver really gets: ~5% exact duplicates (webhook retries), late
arrivals (delivered hours after newer events), ~5% invalid messages (missing
required field, bad date-time, wrong type) and a few unknown types.

Output: one INSERT INTO event_types.inbox per message, in arrival order
(received_at is set to the arrival time).  Deterministic for a given seed;
python3 standard library only.
"""

import argparse
import copy
import datetime as dt
import json
import os
import random
import sys
import uuid

UTC = dt.timezone.utc
WEEK_START = dt.datetime(2024, 6, 3, tzinfo=UTC)   # a Monday
DAYS = 7

FIRST_NAMES = ["Anna", "Jonas", "Lea", "Lukas", "Mia", "Felix", "Emma", "Paul", "Lina",
               "Noah", "Sofia", "Elias", "Hanna", "Leon", "Clara", "Erik", "Maja", "Oskar",
               "Ida", "Nils", "Greta", "Theo", "Frida", "Karl", "Alva", "Moritz", "Ella", "Jan"]
LAST_NAMES = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
              "Becker", "Lindqvist", "Andersson", "Johansson", "Karlsson", "Nilsson",
              "Hoffmann", "Schäfer", "Koch", "Richter", "Klein", "Wolf", "Neumann",
              "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange"]
CITIES = [("Köln", "DE", "51147"), ("Bonn", "DE", "53111"), ("Düsseldorf", "DE", "40213"),
          ("Leverkusen", "DE", "51373"), ("Aachen", "DE", "52062")]
STUDIOS = [("studio-berlin-mitte", 1210000001), ("studio-hamburg-altona", 1210000002)]
COURTS = [("C001", "Main Court"), ("C002", "Court 2"), ("C003", "Padel 1"), ("C004", "Padel 2")]
SHOWS = [("542381", "Der Wanderer", "2024-06-14T18:30:00Z"),
         ("542382", "Die Zauberflöte", "2024-06-21T19:00:00Z"),
         ("542383", "Carmen", "2024-06-28T19:30:00Z")]


class Sample:
    def __init__(self, seed, fixtures):
        self.rng = random.Random(seed)
        self.fixtures = fixtures
        self.templates = {}
        self.messages = []      # dicts: source, payload, at, tenant, event_type, ...

    # -- helpers --------------------------------------------------------------
    def template(self, source, name, index=0):
        key = (source, name)
        if key not in self.templates:
            path = os.path.join(self.fixtures, "valid", source, name + ".json")
            with open(path, encoding="utf-8") as fh:
                self.templates[key] = json.load(fh)
        return copy.deepcopy(self.templates[key][index])

    def uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def time_on(self, day, start_hour, end_hour):
        """A random time on 'day' (0-based) between the two hours."""
        seconds = self.rng.randrange(int(start_hour * 3600), int(end_hour * 3600))
        return WEEK_START + dt.timedelta(days=day, seconds=seconds)

    def person(self):
        first = self.rng.choice(FIRST_NAMES)
        last = self.rng.choice(LAST_NAMES)
        mail = "%s.%s@example.de" % (first.lower(), last.lower())
        mail = mail.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
        return first, last, mail

    def add(self, source, payload, at, tenant=None, event_type=None, **extra):
        m = {"source": source, "payload": payload, "at": at, "tenant": tenant,
             "event_type": event_type}
        m.update(extra)
        self.messages.append(m)
        return m

    @staticmethod
    def iso(t):
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")

    @staticmethod
    def epoch_ms(t):
        return int(t.timestamp() * 1000)

    # -- gym ----------------------------------------------------------------------
    def gym(self, studio, entity, at, type_, content=None, flattened=None, iso_time=None):
        """One gym delivery (or, now and then, a flattened single event)."""
        if flattened is None:
            flattened = self.rng.random() < 0.15
        if iso_time is None:
            iso_time = self.rng.random() < 0.2
        ts = self.iso(at) if iso_time else self.epoch_ms(at)
        entity_json = str(entity) if self.rng.random() < 0.25 else entity
        item = {"timestamp": ts, "type": type_}
        if content is not None:
            item["content"] = content
        if flattened:
            payload = {"entityId": entity_json, "uuid": self.uuid()}
            payload.update(item)
        else:
            payload = {"entityId": entity_json, "uuid": self.uuid(), "payload": [item]}
        return self.add("gym", payload, at, tenant=studio[0])

    def gen_gym(self):
        rng = self.rng
        next_customer = 1210004600
        next_contract = 1210001300
        next_booking = 1210087400
        next_idle = 1210000100
        for studio in STUDIOS:
            customers = []
            for _ in range(11):
                cid = next_customer
                next_customer += 1
                day = rng.randrange(0, 3)
                created = self.time_on(day, 8, 20)
                self.gym(studio, cid, created, "CUSTOMER_CREATED")
                contract = next_contract
                next_contract += 1
                self.gym(studio, cid, created + dt.timedelta(minutes=rng.randrange(2, 30)),
                         "CONTRACT_CREATED", {"contractId": contract})
                customers.append({"id": cid, "contract": contract, "created": created})
                if rng.random() < 0.4:
                    self.gym(studio, cid, created + dt.timedelta(hours=rng.randrange(2, 48)),
                             "CUSTOMER_UPDATED", rng.choice([None, {"changedFields": ["email"]},
                                                             {"changedFields": ["phone", "address"]}]))
                if rng.random() < 0.3:
                    module = next_contract
                    next_contract += 1
                    t = created + dt.timedelta(hours=rng.randrange(1, 72))
                    self.gym(studio, cid, t, "CONTRACT_ADDITIONAL_MODULE_CREATED",
                             {"contractId": contract, "moduleContractId": module})
                    if rng.random() < 0.3:
                        self.gym(studio, cid, t + dt.timedelta(days=2),
                                 "CONTRACT_ADDITIONAL_MODULE_CANCELLED",
                                 {"contractId": contract, "moduleContractId": module})
                if rng.random() < 0.25:
                    idle = next_idle
                    next_idle += 1
                    t = created + dt.timedelta(days=1, hours=rng.randrange(0, 24))
                    body = {"contractId": contract, "idlePeriodId": idle,
                            "idlePeriodAmount": 1, "usedFreeTermsInDays": 14}
                    self.gym(studio, cid, t, "CONTRACT_IDLE_PERIOD_CREATED", body)
                    if rng.random() < 0.4:
                        self.gym(studio, cid, t + dt.timedelta(days=2),
                                 "CONTRACT_IDLE_PERIOD_CANCELLED", dict(body))
                if rng.random() < 0.2:
                    self.gym(studio, cid, self.time_on(rng.randrange(3, 7), 8, 18),
                             "CUSTOMER_ACCESS_MEDIUM_CREATED")
            # visits: check in, mostly check out; the rest is checked out at closing
            for day in range(DAYS):
                present = []
                for c in customers:
                    if c["created"] > WEEK_START + dt.timedelta(days=day, hours=20):
                        continue
                    if rng.random() < 0.3:
                        t_in = max(self.time_on(day, 6, 20), c["created"] + dt.timedelta(hours=1))
                        if t_in.date() != (WEEK_START + dt.timedelta(days=day)).date():
                            continue
                        self.gym(studio, c["id"], t_in, "CUSTOMER_CHECKIN")
                        if rng.random() < 0.8:
                            self.gym(studio, c["id"], t_in + dt.timedelta(minutes=rng.randrange(45, 150)),
                                     "CUSTOMER_CHECKOUT")
                        else:
                            present.append(c["id"])
                if present:
                    close = WEEK_START + dt.timedelta(days=day, hours=23)
                    self.gym(studio, studio[1], close, "AUTOMATIC_CUSTOMER_CHECKOUT",
                             {"checkouts": [{"customerId": cid, "checkoutTime": self.iso(close)}
                                            for cid in present]}, flattened=False)
            # class and appointment bookings (the entity is the booking)
            for _ in range(12):
                booking = next_booking
                next_booking += 1
                kind = "CLASS" if rng.random() < 0.75 else "APPOINTMENT"
                t = self.time_on(rng.randrange(0, 6), 7, 21)
                self.gym(studio, booking, t, kind + "_BOOKING_CREATED")
                r = rng.random()
                if r < 0.2:
                    self.gym(studio, booking, t + dt.timedelta(hours=rng.randrange(1, 30)),
                             kind + "_BOOKING_CANCELLED")
                elif r < 0.3:
                    self.gym(studio, booking, t + dt.timedelta(hours=rng.randrange(1, 30)),
                             kind + "_BOOKING_UPDATED")
            # the rarer customer and contract events
            c = customers[2]
            self.gym(studio, c["id"], self.time_on(4, 9, 12), "CUSTOMER_HOME_STUDIO_UPDATED",
                     {"sourceStudioId": studio[1], "targetStudioId": STUDIOS[1 - STUDIOS.index(studio)][1]})
            c = customers[5]
            self.gym(studio, c["id"], self.time_on(5, 9, 12), "CUSTOMER_ACCESS_DISABLED")
            c = customers[7]
            self.gym(studio, c["id"], self.time_on(5, 12, 14), "CONTRACT_CANCELLED",
                     {"contractId": c["contract"]})
            self.gym(studio, c["id"], self.time_on(6, 9, 11), "CUSTOMER_DELETED")
            self.gym(studio, customers[3]["id"], self.time_on(3, 10, 16),
                     "CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED")
            # studio and staff events (the entity is the studio or the employee)
            self.gym(studio, studio[1], self.time_on(0, 6, 7), "STUDIO_OPENING_HOURS_UPDATED")
            self.gym(studio, 1210000190 + STUDIOS.index(studio), self.time_on(1, 8, 9), "EMPLOYEE_CREATED")
            self.gym(studio, 1210030570 + STUDIOS.index(studio), self.time_on(2, 10, 12),
                     "CLASS_SLOT_CANCELLED", {"classId": 1210000310 + STUDIOS.index(studio)})
        # a delivery carrying several items (the vendor allows it)
        studio = STUDIOS[0]
        t = self.time_on(4, 17, 18)
        cid = 1210004600
        self.add("gym", {"entityId": cid, "uuid": self.uuid(), "payload": [
            {"timestamp": self.epoch_ms(t), "type": "CUSTOMER_CHECKIN"},
            {"timestamp": self.epoch_ms(t + dt.timedelta(minutes=70)), "type": "CUSTOMER_CHECKOUT"}]},
            t + dt.timedelta(minutes=70), tenant=studio[0])

    # -- court booking -------------------------------------------------------------
    def court_owner(self, p):
        owner = {"customerId": p["id"], "userId": p["user"], "firstName": p["first"],
                 "lastName": p["last"], "email": p["email"], "cellphone": p["phone"],
                 "isOrganization": False, "doNotEmail": False,
                 "registrationDate": p["registered"]}
        if p.get("city"):
            owner.update({"city": p["city"], "country": "SE", "dateOfBirth": p["birth"]})
        return owner

    def court_body(self, b):
        p = b["owner"]
        court = b["court"]
        return {
            "owner": self.court_owner(p),
            "booking": {"bookingId": b["id"], "startTime": self.iso(b["start"]),
                        "endTime": self.iso(b["start"] + dt.timedelta(minutes=b["minutes"])),
                        "courtId": court[0], "courtName": court[1],
                        "splitPayment": b["split"], "externalPayment": False,
                        "totalPrice": "%.2f" % b["price"]},
            "players": [{"userId": p["user"], "email": p["email"], "isCustomer": True,
                         "customerId": p["id"], "firstName": p["first"], "lastName": p["last"]}]
                       + [{"email": "guest%d@example.se" % i, "isCustomer": False}
                          for i in range(b["players"] - 1)],
            "facility": {"facilityId": "2344123", "facilityName": "Matchi Tennis Club"},
        }

    def court(self, detail_type, body, at, use_data=False):
        env = {"id": self.uuid(), "detail-type": detail_type, "timestamp": self.iso(at),
               ("data" if use_data else "detail"): body}
        return self.add("court_booking", env, at, tenant="club-2344123")

    def gen_court(self):
        rng = self.rng
        people = []
        for i in range(12):
            first, last, mail = self.person()
            people.append({"id": "CUST2044%02d" % (10 + i), "user": self.uuid(), "first": first,
                           "last": last, "email": mail.replace(".de", ".se"),
                           "phone": "+4670%07d" % rng.randrange(10 ** 7),
                           "registered": "2023-%02d-%02dT10:00:00Z" % (rng.randrange(1, 13), rng.randrange(1, 28)),
                           "city": rng.choice(["Stockholm", "Uppsala", None]),
                           "birth": "19%02d-%02d-%02d" % (rng.randrange(60, 99), rng.randrange(1, 13), rng.randrange(1, 28))})
        bookings = []
        for i in range(28):
            start_day = rng.randrange(1, 9)
            start = WEEK_START + dt.timedelta(days=start_day, hours=rng.choice([7, 9, 11, 17, 18, 19, 20]))
            court = rng.choice(COURTS)
            b = {"id": str(1249100 + i), "owner": rng.choice(people), "start": start,
                 "minutes": rng.choice([60, 90]), "court": court, "split": rng.random() < 0.3,
                 "players": rng.choice([2, 4, 4]),
                 "price": rng.choice([240.0, 360.0, 480.0, 540.0])}
            bookings.append(b)
            created = start - dt.timedelta(days=rng.randrange(1, 4), hours=rng.randrange(0, 10))
            created = max(created, WEEK_START + dt.timedelta(hours=rng.randrange(7, 20)))
            self.court("BookingCreatedV1", self.court_body(b), created, use_data=rng.random() < 0.2)
            b["created"] = created
        for b in rng.sample(bookings, 6):
            original = self.court_body(b)["booking"]
            b["start"] += dt.timedelta(hours=rng.choice([1, 2, 24]))
            body = self.court_body(b)
            body["originalBooking"] = original
            self.court("BookingMovedV1", body, b["created"] + dt.timedelta(hours=rng.randrange(2, 20)))
        for i, b in enumerate(rng.sample(bookings, 5)):
            body = self.court_body(b)
            at = b["created"] + dt.timedelta(hours=rng.randrange(3, 30))
            if i < 2:       # the deprecated V1 is still sent by older club setups
                self.court("BookingCancelledV1", body, at)
            else:
                body["bookingType"] = "COURT"
                self.court("BookingCancelledV2", body, at)
        gone = people[-1]
        self.court("CustomerDeletedV1", {"customer": {"customerId": gone["id"]},
                                         "facility": {"facilityId": "2344123",
                                                      "facilityName": "Matchi Tennis Club"}},
                   self.time_on(6, 20, 22))
        for name, day in (("ACTIVITY_OCCASION_UPDATED_V1", 3), ("ACTIVITY_OCCASION_PARTICIPANT_JOINED_V1", 4)):
            m = self.template("court_booking", name)
            m["id"] = self.uuid()
            at = self.time_on(day, 9, 18)
            m["timestamp"] = self.iso(at)
            self.add("court_booking", m, at, tenant="club-2344123")
        # a receiver that forwards bare bodies and names the type itself
        for i in range(2):
            b = {"id": str(1249200 + i), "owner": rng.choice(people),
                 "start": WEEK_START + dt.timedelta(days=6, hours=10 + 2 * i), "minutes": 60,
                 "court": COURTS[0], "split": False, "players": 2, "price": 240.0}
            at = self.time_on(5, 8, 20)
            self.add("court_booking", self.court_body(b), at, tenant="club-2344123",
                     event_type="BOOKING_CREATED_V1", event_id="matchi-%s" % b["id"],
                     occurred_at=self.iso(at))

    # -- ticketing -----------------------------------------------------------------
    def tk(self, name, at, body=None, template_index=0, **fields):
        m = self.template("ticketing", name, template_index) if body is None else body
        m["metadata"] = {"traceId": self.uuid(), "occurredAt": self.iso(at), "version": "1.0",
                         "tenant": "1337", "type": name}
        m.update(fields)
        return self.add("ticketing", m, at)

    def gen_ticketing(self):
        rng = self.rng
        self.tk("PRICE_PROFILE", self.time_on(0, 7, 8))
        for show_id, title, start in SHOWS:
            self.tk("EVENT", self.time_on(0, 8, 10), eventId=show_id, title=title,
                    eventGroupTitle="Opernsommer 2024: " + title, startDateTime=start)
        self.tk("EVENT_CAPACITY", self.time_on(2, 12, 13), eventId=SHOWS[0][0])
        customers = []
        for i in range(12):
            first, last, mail = self.person()
            city, country, zipc = rng.choice(CITIES)
            cid = "rxrn:cx:1337:customer:%024x" % rng.getrandbits(96)
            body = self.template("ticketing", "CUSTOMER")
            body.update({"customerId": cid, "customerNumber": str(100300 + i), "firstName": first,
                         "lastName": last, "email": mail,
                         "telephoneNumbers": [{"type": "MOBILE", "number": "+49 170 %07d" % rng.randrange(10 ** 7)}],
                         "addresses": [{"addressType": "BILLING", "street": "Hauptstraße %d" % rng.randrange(1, 90),
                                        "city": city, "postalCode": zipc, "country": country}]})
            body.pop("title", None)
            at = self.time_on(rng.randrange(0, 5), 8, 22)
            self.tk("CUSTOMER", at, body)
            customers.append({"id": cid, "at": at, "first": first, "last": last})
        for i in range(12):
            c = rng.choice(customers)
            show = rng.choice(SHOWS)
            seats = rng.randrange(1, 4)
            price = round(seats * rng.choice([47.22, 70.22, 89.5]), 2)
            at = c["at"] + dt.timedelta(hours=rng.randrange(1, 40))
            rid = str(87654400 + i)
            body = self.template("ticketing", "RESERVATION")
            body.pop("seasonTickets", None)
            ticket = body["singleTickets"][0]
            body["singleTickets"] = []
            for s in range(seats):
                t = copy.deepcopy(ticket)
                t.update({"positionId": "POS%d%02d" % (1248002 + i, s), "eventId": show[0],
                          "price": round(price / seats, 2)})
                t["seat"]["seat"] = str(140 + s)
                body["singleTickets"].append(t)
            body.update({"reservationId": rid, "customerId": c["id"], "price": price,
                         "reservationDateTime": self.iso(at - dt.timedelta(seconds=5))})
            self.tk("RESERVATION", at, body)
            if i % 4 == 1:
                cancel = at + dt.timedelta(days=rng.randrange(1, 3))
                self.tk("RESERVATION_CANCELLATION", cancel, template_index=0, reservationId=rid,
                        cancelDateTime=self.iso(cancel - dt.timedelta(seconds=2)))
        orders = []
        for i in range(10):
            c = rng.choice(customers)
            at = c["at"] + dt.timedelta(hours=rng.randrange(1, 60))
            oid = "202406%02d-%04d" % (3 + (at - WEEK_START).days, 4400 + i)
            body = self.template("ticketing", "ORDER")
            show = rng.choice(SHOWS)
            ticket = body["singleTickets"][0]
            body["singleTickets"] = []
            for n in range(rng.randrange(1, 5)):
                t = copy.deepcopy(ticket)
                t.update({"positionId": "POS%d%02d" % (1249002 + i, n), "eventId": show[0],
                          "price": rng.choice([39.9, 55.5, 70.22, 89.5])})
                t["seat"]["seat"] = str(120 + n)
                body["singleTickets"].append(t)
            total = round(sum(t["price"] for t in body["singleTickets"]), 2)
            total = int(total) if total == int(total) else total
            body.update({"orderId": oid, "customerId": c["id"], "price": total,
                         "includedVatAmount": round(total * 0.07 / 1.07, 2),
                         "orderDateTime": self.iso(at - dt.timedelta(seconds=4))})
            self.tk("ORDER", at, body)
            orders.append((oid, c, at, body))
            for n, pos in enumerate(body["singleTickets"]):
                tb = self.template("ticketing", "TICKET")
                tb.update({"ticketId": str(880020000 + 10 * i + n), "orderId": oid,
                           "ticketCode": "RX%d" % (880020000 + 10 * i + n), "eventIds": [show[0]],
                           "createdAt": self.iso(at), "updatedAt": self.iso(at)})
                tb["ticketBuyer"].update({"firstName": c["first"], "lastName": c["last"],
                                          "customerId": c["id"]})
                tb["ticketHolder"].update({"firstName": c["first"], "lastName": c["last"]})
                self.tk("TICKET", at + dt.timedelta(seconds=2 + n), tb)
        # one full and one partial cancellation, and the credit note of the partial one
        for (oid, c, at, body), full in ((orders[1], True), (orders[4], False)):
            cancel = at + dt.timedelta(days=1, hours=rng.randrange(0, 12))
            positions = [t["positionId"] for t in body["singleTickets"]]
            cb = self.template("ticketing", "CANCELLATION")
            cb.update({"orderId": oid, "customerId": c["id"], "cancellationId": "ST-%d" % rng.randrange(10 ** 5),
                       "cancelDateTime": self.iso(cancel - dt.timedelta(seconds=20)),
                       "fullCancellation": full,
                       "cancelledTickets": positions if full else positions[:1]})
            refunded = body["singleTickets"] if full else body["singleTickets"][:1]
            cb["refundAmount"] = -round(sum(t["price"] for t in refunded), 2)
            self.tk("CANCELLATION", cancel, cb)
            if not full:
                self.tk("CREDIT_NOTE", cancel + dt.timedelta(seconds=3), orderId=oid,
                        customerId=c["id"], creditedAmount=-cb["refundAmount"], creditNoteId="GS-2024-%05d" % rng.randrange(10 ** 4),
                        creditedDateTime=self.iso(cancel))
        # the box office re-sends an order under the same trace id with another
        # price: a conflict, kept for a human to look at
        oid, c, at, body = orders[6]
        resent = copy.deepcopy(body)
        resent["price"] = round(body["price"] + 10, 2)
        m = self.add("ticketing", resent, at + dt.timedelta(minutes=42))
        gone = customers[-1]
        self.tk("CUSTOMER_DELETED", self.time_on(6, 9, 12), customerId=gone["id"])
        self.tk("PRICE_PROFILE_DELETED", self.time_on(6, 7, 8))

    # -- what goes wrong on the way ------------------------------------------------
    def add_unknown_types(self):
        """Types the catalogue does not know yet (kept as unknown_type)."""
        self.gym(STUDIOS[0], 1210004601, self.time_on(3, 10, 11), "CUSTOMER_LOYALTY_TIER_CHANGED",
                 {"tier": "GOLD"}, flattened=False)
        self.tk("VOUCHER", self.time_on(4, 15, 16), {"voucherId": "V-2024-0042", "value": 50})
        owner = {"id": "CUST204499", "user": self.uuid(), "first": "Sven", "last": "Berg",
                 "email": "sven.berg@example.se", "phone": "+46701112233",
                 "registered": "2024-01-02T10:00:00Z"}
        self.court("BookingCreatedV2", self.court_body({
            "id": "1249300", "owner": owner, "start": WEEK_START + dt.timedelta(days=6, hours=9),
            "minutes": 60, "court": COURTS[1], "split": False, "players": 2, "price": 240.0}),
            self.time_on(5, 10, 11))

    def break_some(self, share):
        """Turn a share of the messages into invalid ones, each in its own way."""
        rng = self.rng
        candidates = [m for m in self.messages if m.get("event_type") is None]
        broken = rng.sample(candidates, max(1, round(share * len(self.messages))))
        for i, m in enumerate(broken):
            p = m["payload"]
            how = i % 3
            if m["source"] == "gym":
                if how == 0:
                    del p["uuid"]                               # required
                elif how == 1:
                    items = p.get("payload", [p])
                    items[0]["timestamp"] = "2024-06-31T25:61:00"  # not a date-time
                else:
                    p["entityId"] = True                        # wrong type
            elif m["source"] == "ticketing":
                if how == 0:
                    del p["metadata"]["traceId"]
                elif how == 1:
                    p["metadata"]["occurredAt"] = "yesterday 14:00"
                else:
                    p["metadata"]["tenant"] = 1337
            else:
                body = p.get("detail", p.get("data"))
                if how == 0 and "booking" in body:
                    del body["booking"]["bookingId"]
                elif how == 1:
                    p["timestamp"] = "04/06/2024 10:15"
                else:
                    p["id"] = 4711
            m["broken"] = True

    def add_duplicates(self, share):
        """Webhook retries: the very same message again, seconds to minutes later."""
        for m in self.rng.sample(self.messages, round(share * len(self.messages))):
            d = dict(m)
            d["arrival_delay"] = dt.timedelta(seconds=self.rng.choice([5, 30, 60, 300, 900]))
            d["retry"] = True
            self.messages.append(d)

    def arrival_order(self, late_share):
        """Most messages arrive a second or two after the event; some much later."""
        rng = self.rng
        for m in self.messages:
            delay = m.get("arrival_delay") or dt.timedelta(milliseconds=rng.randrange(200, 3000))
            if not m.get("retry") and rng.random() < late_share:
                delay = dt.timedelta(hours=rng.randrange(2, 30))       # late arrival
            m["received"] = m["at"] + delay
        self.messages.sort(key=lambda m: m["received"])

    # -- output ------------------------------------------------------------------------
    def sql(self, out):
        def lit(v):
            if v is None:
                return "NULL"
            return "'" + str(v).replace("'", "''") + "'"
        out.write("-- GENERATED by scripts/gen_sample.py: %d vendor messages in arrival order\n"
                  % len(self.messages))
        for m in self.messages:
            payload = json.dumps(m["payload"], ensure_ascii=False, separators=(", ", ": "))
            cols = ["received_at", "source", "payload", "tenant", "event_type"]
            vals = [lit(m["received"].isoformat()), lit(m["source"]), lit(payload) + "::jsonb",
                    lit(m["tenant"]), lit(m["event_type"])]
            if m.get("event_id"):
                cols += ["event_id", "occurred_at"]
                vals += [lit(m["event_id"]), lit(m["occurred_at"])]
            out.write("INSERT INTO event_types.inbox (%s) VALUES (%s);\n"
                      % (", ".join(cols), ", ".join(vals)))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("fixtures", nargs="?", default=os.path.join(here, "..", "test", "fixtures"))
    ap.add_argument("--seed", type=int, default=20240603)
    args = ap.parse_args()
    s = Sample(args.seed, args.fixtures)
    s.gen_gym()
    s.gen_court()
    s.gen_ticketing()
    s.break_some(0.05)
    s.add_unknown_types()
    s.add_duplicates(0.05)
    s.arrival_order(0.05)
    s.sql(sys.stdout)


if __name__ == "__main__":
    main()
