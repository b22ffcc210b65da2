"""The rights of data subjects (Art. 15–20): export what is held about a person, erase or
anonymise them everywhere, and prove it."""
