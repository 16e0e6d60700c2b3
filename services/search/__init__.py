"""Full-text search: Elasticsearch, or PostgreSQL over jieba-segmented text behind the same interface."""
