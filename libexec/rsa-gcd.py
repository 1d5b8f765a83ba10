#!/usr/bin/env python3
"""Recovers an RSA modulus from signatures made with it (the GCD method), with GMP through gmpy2.

Each signature s of an encoded message m under key (n, e) satisfies s^e = m (mod n), so n divides
s^e - m; the greatest common divisor of two such numbers is n times a small cofactor, which trial
division removes. Input (stdin): one JSON object with "e", "bits" (the modulus size the signatures imply) and "pairs": [{"s": hex, "m": hex}, ...].
Output (stdout): {"n": hex or null, "bits": int, "used": how many signatures the GCD took}; progress lines on stderr.
Epistola's own code builds the encodings and checks the result; this script only does arithmetic.
"""
import json
import sys
import time

try:
    import gmpy2
except ImportError:
    sys.stderr.write("rsa-gcd: gmpy2 is missing (Debian: apt-get install python3-gmpy2)\n")
    sys.exit(3)


def main() -> int:
    job = json.load(sys.stdin)
    e = gmpy2.mpz(job["e"])
    bits = int(job["bits"])
    pairs = [(gmpy2.mpz(p["s"], 16), gmpy2.mpz(p["m"], 16)) for p in job["pairs"]]
    started = time.time()

    def progress(text: str) -> None:
        sys.stderr.write(f"{time.time() - started:7.1f}s {text}\n")
        sys.stderr.flush()

    g = gmpy2.mpz(0)
    used = 0
    for i, (s, m) in enumerate(pairs):
        used = i + 1
        progress(f"power {i + 1}/{len(pairs)}")
        value = s**e - m
        progress(f"gcd {i + 1}/{len(pairs)}")
        g = gmpy2.gcd(g, value)
        del value
        # Two signatures usually leave n times a small cofactor; a third only if not.
        if i >= 1 and g.bit_length() <= bits + 64:
            break
    # Remove small cofactors: the modulus has no factor this small.
    for p in range(2, 1 << 20):
        if g <= 1:
            break
        while g % p == 0 and g > 1 and g.bit_length() > 256:
            g //= p
    progress(f"done: {g.bit_length()} bits from {used} signatures")
    json.dump({"n": format(int(g), "x") if g > 1 else None, "bits": int(g.bit_length()), "used": used}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
