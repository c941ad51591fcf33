"""A stand-in for MNB's exchange-rate web service, answering in its real wire format."""
