"""A tiny authoritative DNS server on loopback for tests: answers TXT queries from a dict, NXDOMAIN
for names it does not know. The real resolver (dnspython) talks to it over UDP.

    with FakeDnsServer() as dns_server:
        dns_server.txt["_platform-verify.shop.example.org"] = ["platform-verify=abc"]
        settings.CUSTOM_DOMAIN_RESOLVER_NAMESERVERS = [dns_server.address]   # "127.0.0.1:PORT"
"""

import socket
import threading

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


class FakeDnsServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.txt: dict[str, list[str]] = {}
        self.queries: list[str] = []
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind((host, 0))
        self._socket.settimeout(0.2)
        self.host, self.port = self._socket.getsockname()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def __enter__(self) -> "FakeDnsServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._socket.close()

    def _answer(self, wire: bytes) -> bytes:
        query = dns.message.from_wire(wire)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        self.queries.append(name)
        values = self.txt.get(name)
        if values is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif question.rdtype == dns.rdatatype.TXT:
            quoted = [f'"{value}"' for value in values]
            response.answer.append(
                dns.rrset.from_text_list(
                    question.name, 60, dns.rdataclass.IN, dns.rdatatype.TXT, quoted
                )
            )
        return response.to_wire()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                wire, peer = self._socket.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                self._socket.sendto(self._answer(wire), peer)
            except Exception:  # a malformed query gets no answer, like a real server's drop
                continue
