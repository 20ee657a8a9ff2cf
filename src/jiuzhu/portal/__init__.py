"""The public side, without login: policies and standards, forms, public notices, the online application,
case status by query code, complaints, the standing publication of recipients and the self-check."""
