#!/usr/bin/env python3
# Checks an e-mail's DKIM signature with dkimpy (Debian: apt install python3-dkim; elsewhere:
# pip install dkimpy) against the keys this archive kept, not against today's DNS: keys rotate
# and vanish, so a signature of 2016 can only be checked with the key of 2016.
#   python3 verify-dkim.py message.eml keys.txt
# keys.txt is the archive's /keys.txt: one DNS TXT record per line, "<selector>._domainkey.<domain>. IN TXT "…" "…"".
import re
import sys

import dkim

if len(sys.argv) != 3:
    sys.exit('usage: python3 verify-dkim.py message.eml keys.txt')
keys = {}
with open(sys.argv[2], encoding='utf-8') as zone:
    for line in zone:
        record = re.match(r'(\S+?)\.? IN TXT (.*)', line)
        if record:
            strings = re.findall(r'"((?:[^"\\]|\\.)*)"', record.group(2))
            keys[record.group(1).lower()] = re.sub(r'\\(.)', r'\1', ''.join(strings)).encode()


def archived(name, timeout=5):
    return keys.get(name.decode().rstrip('.').lower())


with open(sys.argv[1], 'rb') as message:
    ok = dkim.verify(message.read(), dnsfunc=archived)
print('DKIM signature verified with the archived key' if ok else 'DKIM signature NOT verified')
sys.exit(0 if ok else 1)
