"""URLs of the bank-file pages. No namespace of their own: payments/urls.py includes them into "payments"."""

from django.urls import path

from jiuzhu.payments import views_bank

urlpatterns = [
    path("payrolls/<int:pk>/bank/", views_bank.bank_files, name="bank_files"),
    path("payrolls/<int:pk>/bank/export/", views_bank.bank_export, name="bank_export"),
    path("payrolls/<int:pk>/bank/return/", views_bank.bank_return_upload, name="bank_return"),
    path("bankfiles/<int:pk>/", views_bank.bank_file_download, name="bank_file_download"),
]
