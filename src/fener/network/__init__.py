"""Networks and money: investigations of the people, phones, accounts and money behind trafficking."""
