"""Traceability: lots, serials and locations, what went into what, where it went, and labels to scan.

- lots.py: receive, move, hold and release lots and serials; storage locations; lot and serial reads;
- lot_pages.py: the lots list in pages (keyset cursor, total only when asked, compact rows);
- custom_values.py: custom field values of lots and shipments after creation, and their exports;
- genealogy.py: material consumed into a job and the lots a job produces, linked with quantities;
- output_lots.py: the good parts of a work order's last step become output lots (the shop floor calls it);
- tracing.py: forward and backward trace over the genealogy, any depth, with one recursive query;
- report.py: a trace as people read it (indented table, CSV, Excel, PDF, graph positions);
- recall.py: recall simulation from a lot, a receipt or a machine and time range; hold what is affected;
- shipments.py: a shipment's life cycle (create from order lines, ship, cancel) and the steps packing shares;
- shipment_packing.py: pack lots and serials into a shipment's lines, and unpack them while it is open;
- shipment_reads.py: one shipment, the list, its history, and the order lines still to ship;
- shipment_pdf.py: the packing list and the shipment sheet as PDF;
- label_payload.py: the text a label carries (`TAKT1|<kind>|<org_slug>|<code>`), encoded and parsed;
- label_targets.py: the objects labels name, found by id or by a scanned code;
- label_render.py: Code128 and QR labels drawn as PNG, SVG or PDF;
- labels.py: the labels door (payload, target, rendering) the scan station and the pages use;
- scanning.py: one scanned label in, one answer out (receive, move, consume, pack, ship);
- events.py: the package's typed domain events (lot.*, location.*, shipment.*, scan.*, recall.held).

Invariants: every row belongs to one organization and plant, and rows outside the actor's organization or
plants are NotFound; a lot or serial on hold, used up, shipped or recalled is never consumed or packed; every
change is audited and announced, nothing here commits, and the clock is passed in.
"""
