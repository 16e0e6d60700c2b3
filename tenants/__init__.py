"""Django apps installed in every tenant (subsidiary party committee) schema."""
