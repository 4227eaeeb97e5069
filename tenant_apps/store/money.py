"""Money in the shop's currency: exact Decimals quantized to the currency's minor unit, and the
conversion to Stripe's integer minor units. The currency is the site's (console branding)."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

# ISO 4217 minor units for the currencies the console offers; everything else has two.
ZERO_DECIMAL = frozenset({"JPY"})
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹", "CNY": "¥"}


def shop_currency() -> str:
    from tenant_apps.console.selectors import site_currency

    return site_currency()


def exponent(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL else 2


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-exponent(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half up to the currency's minor unit (cents, or whole yen)."""
    return Decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal, currency: str) -> int:
    return int(quantize(amount, currency).scaleb(exponent(currency)))


def from_minor(amount: int, currency: str) -> Decimal:
    return quantize(Decimal(amount).scaleb(-exponent(currency)), currency)


def check_price(value: Decimal | None, currency: str, *, field: str = "price") -> Decimal | None:
    """A price must be zero or more and fit the currency's minor unit (no 0.5 yen)."""
    if value is None:
        return None
    value = Decimal(value)
    if value < 0:
        raise ValidationError({field: ["Enter a price of zero or more."]})
    if value != quantize(value, currency):
        places = exponent(currency)
        raise ValidationError(
            {field: [f"Use at most {places} decimal places for {currency}." if places
                     else f"{currency} prices are whole numbers."]}
        )  # fmt: skip
    if value >= Decimal("10000000000"):
        raise ValidationError({field: ["Enter a smaller price."]})
    return value


def format_money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return ""
    amount = quantize(amount, currency)
    text = f"{amount:,.{exponent(currency)}f}"
    symbol = SYMBOLS.get(currency.upper())
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"
