"""MNB's exchange-rate web service (SOAP): the request envelopes, the answers, the client."""
