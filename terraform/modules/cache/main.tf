data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  port = 6379
}

resource "aws_kms_key" "cache" {
  description             = "${var.name} Redis at-rest encryption"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  # In a key policy "Resource = *" means this key.
  # ElastiCache uses it through grants made with the caller's IAM permissions.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministersTheKey"
        Effect    = "Allow"
        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
    ]
  })
}

resource "aws_kms_alias" "cache" {
  name          = "alias/${var.name}-cache"
  target_key_id = aws_kms_key.cache.key_id
}

resource "aws_elasticache_subnet_group" "this" {
  name        = var.name
  description = "Private subnets of ${var.name}"
  subnet_ids  = var.private_subnet_ids
}

resource "aws_security_group" "cache" {
  name_prefix = "${var.name}-cache-"
  description = "Redis: reachable from the application tasks only"
  vpc_id      = var.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "cache_from_clients" {
  count = length(var.client_security_group_ids)

  security_group_id            = aws_security_group.cache.id
  description                  = "Redis from the application tasks"
  referenced_security_group_id = var.client_security_group_ids[count.index]
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
}

# Cache, Celery broker and Channels layer. TLS and AUTH on the wire, KMS at rest; a replica in
# the other AZ takes over automatically when the primary fails.
resource "aws_elasticache_replication_group" "this" {
  replication_group_id = var.name
  description          = "${var.name} cache, Celery broker and Channels layer"
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.node_type
  num_cache_clusters   = var.num_nodes
  port                 = local.port

  automatic_failover_enabled = true
  multi_az_enabled           = true
  subnet_group_name          = aws_elasticache_subnet_group.this.name
  security_group_ids         = [aws_security_group.cache.id]

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.cache.arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = var.auth_token
  auth_token_update_strategy = "ROTATE"

  auto_minor_version_upgrade = true
  snapshot_retention_limit   = var.snapshot_retention_days
  snapshot_window            = "03:00-04:00"
  maintenance_window         = "sun:04:30-sun:05:30"

  log_delivery_configuration {
    destination      = var.slow_log_group_name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }
}
