"""Which addresses a webhook may reach: the public internet only, whatever the spelling."""

from __future__ import annotations

import ipaddress

import pytest

from tracker.netguard import UnsafeDestination, check_url, embedded_ipv4, is_public


def _resolver(*addresses: str):  # type: ignore[no-untyped-def]
    def resolve(host, port, *args):  # type: ignore[no-untyped-def]
        return [(2, 1, 6, "", (a, port)) for a in addresses]

    return resolve


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.255.255.254", "::1", "0.0.0.0", "::",  # noqa: S104 "10.1.2.3", "172.16.0.1",
        "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.100.100.200", "fc00::1",
        "fd00:ec2::254", "fe80::1", "fec0::1", "224.0.0.1", "ff02::1", "255.255.255.255",
        "240.0.0.1", "192.0.2.10", "198.18.0.1", "2001:db8::1", "::ffff:127.0.0.1",
        "::ffff:10.0.0.1", "::127.0.0.1", "2002:7f00:1::", "2002:a9fe:a9fe::", "64:ff9b::7f00:1",
        "64:ff9b::a00:1", "64:ff9b:1::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    ],
    ids=lambda a: a,
)  # fmt: skip
def test_inner_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "203.217.140.1", "2606:4700::1111", "::ffff:8.8.8.8",
                "64:ff9b::808:808"],
)  # fmt: skip
def test_public_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


def test_an_ipv6_address_is_judged_by_the_ipv4_address_it_carries() -> None:
    assert embedded_ipv4(ipaddress.IPv6Address("::ffff:169.254.169.254")) == (
        ipaddress.IPv4Address("169.254.169.254")
    )
    assert embedded_ipv4(ipaddress.IPv6Address("2002:a9fe:a9fe::1")) == (
        ipaddress.IPv4Address("169.254.169.254")
    )
    assert embedded_ipv4(ipaddress.IPv6Address("2606:4700::1111")) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook", "http://[::1]/", "http://0x7f000001/", "http://2130706433/",
        "http://017700000001/", "http://127.1/", "http://localhost:22/", "http://LOCALHOST./",
        "http://relay.localhost/", "http://printer.local/", "http://metadata/computeMetadata",
        "http://metadata.google.internal/", "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[fd00:ec2::254]/",
        "https://10.0.0.5/", "https://192.168.0.10:8443/", "http://[fc00::5]/",
    ],
)  # fmt: skip
def test_inner_destinations_are_refused_in_every_spelling(url: str) -> None:
    with pytest.raises(UnsafeDestination):
        check_url(url, must_resolve=False)


def test_a_name_is_refused_when_any_of_its_addresses_is_inner() -> None:
    resolver = _resolver("93.184.215.14", "10.0.0.1")
    with pytest.raises(UnsafeDestination, match=r"10\.0\.0\.1"):
        check_url("https://relay.example.org/hook", resolver=resolver)


def test_a_public_name_is_taken_with_the_addresses_it_was_checked_at() -> None:
    destination = check_url(
        "https://relay.example.org:8443/hook?x=1", resolver=_resolver("93.184.215.14")
    )
    assert (destination.host, destination.port, destination.target, destination.addresses) == (
        "relay.example.org", 8443, "/hook?x=1", ("93.184.215.14",)
    )  # fmt: skip


def test_the_operator_may_allow_a_network_and_only_that_one() -> None:
    allowed = (ipaddress.ip_network("10.20.0.0/16"),)
    assert check_url("http://10.20.3.4/hook", allowed=allowed).addresses == ("10.20.3.4",)
    with pytest.raises(UnsafeDestination):
        check_url("http://10.21.3.4/hook", allowed=allowed)
    with pytest.raises(UnsafeDestination):
        check_url("http://[::ffff:10.21.3.4]/hook", allowed=allowed)


def test_a_name_that_does_not_resolve_passes_only_when_saving() -> None:
    def nowhere(*args):  # type: ignore[no-untyped-def]
        raise OSError("Name or service not known")

    assert (
        check_url("https://relay.example.org/", resolver=nowhere, must_resolve=False).addresses
        == ()
    )
    with pytest.raises(UnsafeDestination):
        check_url("https://relay.example.org/", resolver=nowhere)
