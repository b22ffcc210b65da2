"""Import and export of people: CSV (as Excel opens it) and vCard, in and out.

Staff receive address lists as spreadsheets and phone contacts, and hand lists to a mailing
house or a colleague's spreadsheet. Both directions touch the GDPR at once: an import must
not bring in people without a purpose, nor bring back someone who was erased; an export
may carry only people whose purpose allows the export's purpose, and only the data that
purpose covers. This package holds that logic; `crmtool/cli/exchange.py` is the thin CLI.

- `columns.py`: the columns both directions understand (Dutch and English headers) and
  which data category each belongs to;
- `read_csv.py`, `read_vcard.py`: files into `Incoming` people (`incoming.py`), with line numbers;
- `purposes.py`: the purpose an import or export is for: known, its categories and sources;
- `importing.py`: the plan of an import (ids, refusals, warnings) and writing it;
- `yaml_text.py`: a new person as record text;
- `exporting.py`: the people and fields a purpose allows, as CSV or vCard.
"""
