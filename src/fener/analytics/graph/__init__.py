"""Networks and money: the pure-Python engine behind investigations.

Entity resolution (phones, IBANs, e-mail addresses, online handles and names written in
Cyrillic or Latin letters, each merge with its evidence and score and undoable), money-flow
typologies over time windows, and graph analysis (components, communities, key players and
paths). Nothing here imports Django.
"""
