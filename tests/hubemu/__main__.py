"""`python -m tests.hubemu --root DIR --port N`: serve the fixture repos under DIR until interrupted."""

from __future__ import annotations

import argparse
import sys
import time

from tests.hubemu.fixtures import load_directory
from tests.hubemu.server import HubEmulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.hubemu", description=__doc__)
    parser.add_argument("--root", required=True, help="fixture directory (format: tests/hubemu/README.md)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to wait before every answer")
    parser.add_argument("--tls", metavar="DIR", help="serve https with a throwaway certificate written to DIR "
                                                      "(trust it with the SSL_CERT_FILE and REQUESTS_CA_BUNDLE printed)")
    args = parser.parse_args(argv)
    tls = None
    if args.tls:
        from pathlib import Path

        from tests.hubemu.tls import throwaway_certificate

        Path(args.tls).mkdir(parents=True, exist_ok=True)
        made = throwaway_certificate(Path(args.tls))
        if made is None:
            parser.error("--tls needs openssl on PATH")
        tls = (str(made[0]), str(made[1]))
    emulator = HubEmulator(load_directory(args.root), port=args.port, tls=tls)
    emulator.faults.latency = args.latency
    with emulator:
        if tls:
            print(f"SSL_CERT_FILE={tls[0]}", flush=True)
            print(f"REQUESTS_CA_BUNDLE={tls[0]}", flush=True)
        print(f"HF_ENDPOINT={emulator.endpoint}", flush=True)
        print(f"GITHUB_API_URL={emulator.github_api}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main())
