// What `--help` prints: the whole day on one page, and each command on its own.

export const USAGE = `sailau precinct computer — the day's commands

usage: npx tsx precinct/cli.ts <command> [arguments] [--db <file>] [--help]

before the day (technician, with the commission):
  init          create the precinct from the signed election and the register
  commission    identify a device over its link, enrol it and provision it
  devices       list the enrolled devices, their addresses and what they still lack
  status        ask every device for its state

the morning (30 minutes before voting, 001 §4):
  selftest      self-test of every device; report stored and printed
  open          the chairman types the start password; zero report; every device opens

during voting:
  admit         admission desk: scan or type the IIN, or search by name; confirm; card
  home          applications to vote outside the premises: apply | list | load | upload
  counters      figures observers may ask for at any time
  decision      record a commission decision: restart <device> (001 §14); relink <device>

the evening:
  close         close every device and collect its data (001 §17)
  count         count, only when every device's data is in
  protocol      print | verify the signed electronic protocol
  log           verify | show the precinct's event log

Common options: --db <file> (default $SAILAU_DB or ./precinct.db);
--passphrase-file <file> (default $SAILAU_PASSPHRASE, else asked) opens the precinct's keys.
Run any command with --help for its details. Exit status: 0 done, 1 refused or failed
(the message says what to do next), 2 the command line is wrong.`;

export const HELP: Record<string, string> = {
  init: `usage: npx tsx precinct/cli.ts init --election <file.election.cbor> --authority <key> [--register <file.csv>]
                                    [--envelope <file>] [--chairman-key-out <file>] [--chairman-passphrase-file <file>]
                                    [--logn <n>] [--members <n>] [--db <file>]

Creates the precinct database from the signed election definition (checked against the
election authority's public key: 64 hex digits or a .pub file) and imports the register.
Makes the precinct's keys (sealed with the operator passphrase: asked, or
--passphrase-file / $SAILAU_PASSPHRASE) and the election key sealed by a new start
password. The start password is written ONCE, to the envelope sheet (--envelope, default
envelope-sheet.txt next to the database): print it, seal it in the envelope, delete the file.
Prints the election fingerprint and key fingerprints to compare on each device.
--chairman-key-out makes the chairman's signing key for the electronic protocol (001 §20),
sealed with the chairman's own passphrase (asked, or --chairman-passphrase-file /
$SAILAU_CHAIRMAN_PASSPHRASE) in that file, which the chairman keeps; only its public half
stays in the database.`,
  devices: `usage: npx tsx precinct/cli.ts devices [--db <file>]

Lists the enrolled devices: name, kind, serial, status, address, firmware, and what
provisioning they still lack.`,
  status: `usage: npx tsx precinct/cli.ts status [--db <file>]

Asks every device for its state, election, clock, event count and vote count.`,
  commission: `usage: npx tsx precinct/cli.ts commission <kind> <address> --key <device-link-key> [--id <name>]
       npx tsx precinct/cli.ts commission --reprovision <name>

<kind> is terminal, accumulator or portable-ballot; <address> is tcp:<port>,
tcp:<host>:<port> or serial:<path>. --key is the device's link key (64 hex digits) as its
screen shows it. The device must already hold this precinct computer's link key (printed
by init and by devices). Identifies the device, checks its kind and key, enrols it under
--id (default <kind>-<n>), sets its clock, loads the election, and sends its keys and
verification codes. Steps the device's firmware cannot take yet are listed.
--reprovision sends an enrolled device everything again (after a firmware reload).
Commission terminals and the portable ballot before the accumulator, or reprovision the
accumulator after them: it must know their keys.`,
  selftest: `usage: npx tsx precinct/cli.ts selftest [--pdf <file>] [--text <file>] [--db <file>]

The technician runs this 30 minutes before voting starts (001 §4). Every device is
identified, its clock set, its election and event-log chain checked, and its own
self-test run. Each check is passed, failed or needs-operator (e.g. touch the test pattern).
The report is stored, printed here, and written as PDF / text when asked.`,
  open: `usage: npx tsx precinct/cli.ts open [--password-file <file>] [--pdf <file>] [--db <file>]

The chairman opens the sealed envelope in front of the commission and observers and types
the start password (asked, not echoed). The password is checked here first; then every
device is asked for its count and the zero report is made: if any device is unreachable
or not at zero, opening is refused and the report says which. Otherwise every device opens.`,
  admit: `usage: npx tsx precinct/cli.ts admit [--reader <name>] [--simulate-card] [--db <file>]

The admission desk (001 §6–8), interactive: scan the ID's barcode or type the IIN, or type
a surname to search; compare the record on screen with the ID document; confirm with "y";
the card writer (PC/SC reader, first one or --reader) activates a blank card.
--simulate-card activates nothing (drills without a card writer). An empty line ends.`,
  home: `usage: npx tsx precinct/cli.ts home apply <register-no> [--location <text>] [--note <text>]
       npx tsx precinct/cli.ts home list
       npx tsx precinct/cli.ts home load [--device <name>] [--mark-only]
       npx tsx precinct/cli.ts home upload <file>

Voting outside the premises (001 §13). apply records a written application (refused after
12:00 on election day); list shows them; load sends the list to the portable ballot
(portable.load-voters, checked by the list digest) and marks the applications loaded
(--mark-only: it was loaded with another tool; only mark them); upload marks the voters in
<file> (register numbers, one a line) as having voted outside — close does this itself
from the portable ballot's signed upload.`,
  counters: `usage: npx tsx precinct/cli.ts counters [--db <file>] [--offline]

Registered, admitted, voted in the premises (the accumulators are asked for their counts
first; --offline, or an unreachable one, shows the last known count), voted outside,
cards outstanding. Totals only (002 art. 20-1 §2.2).`,
  decision: `usage: npx tsx precinct/cli.ts decision restart <device> --members "<name>, <name>, ..." --reason "<text>"
       npx tsx precinct/cli.ts decision relink <device>

restart records the commission's decision to restart a device's program (001 §14): the
members who signed it (at least two, the chairman first) and the reason, in the event log.
The specialist then restarts the device; the precinct computer links to it anew and checks
it. If it is not back yet, run "decision relink <device>" when it is.`,
  close: `usage: npx tsx precinct/cli.ts close [--pdf <file>] [--db <file>]

Closes every device and collects its data (results, page by page) into the database with
a fingerprint per device. Devices that could not be reached are listed: fix them and run
close again (collected devices are not read twice). Counting waits for all (001 §17).`,
  count: `usage: npx tsx precinct/cli.ts count [--password-file <file>] [--db <file>]

Counts (001 §16) only when every device's data is in (001 §17). The chairman types the start
password to unseal the election key. Prints the tallies and anomalies (precinct/count).`,
  protocol: `usage: npx tsx precinct/cli.ts protocol verify <file> [--chairman-key <key>]
       npx tsx precinct/cli.ts protocol print <file> --out <file.pdf> [--chairman-key <key>]

verify checks a signed electronic protocol: the chairman's signature, its summary, every
figure, and (with the precinct database) the election. The chairman's key defaults to the
one made at init. print writes its PDF.`,
  log: `usage: npx tsx precinct/cli.ts log verify [--db <file>]
       npx tsx precinct/cli.ts log show [--from <seq>] [--limit <n>] [--db <file>]
       npx tsx precinct/cli.ts log device <name> [--db <file>]

verify walks the precinct's hash-chained event log and prints its head (seq and hash) to
write on the protocol; show prints entries. device reads a device's event log over its
link, verifies its hash chain and signatures page by page, and prints it.`,
};

export const COMMANDS = Object.keys(HELP);
