"""Local module: imports of it are neither undeclared nor unknown."""


def save_invoice(invoice_id: str, data: bytes) -> None:
    with open(f"/tmp/{os.path.basename(invoice_id)}.pdf", "wb") as handle:
        handle.write(data)


import os  # noqa: E402
