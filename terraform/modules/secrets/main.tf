data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

resource "aws_kms_key" "secrets" {
  description             = "${var.name} Secrets Manager"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  # In a key policy "Resource = *" means this key.
  # Its use is granted by IAM policies (task execution role, RDS Proxy role).
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

resource "aws_kms_alias" "secrets" {
  name          = "alias/${var.name}-secrets"
  target_key_id = aws_kms_key.secrets.key_id
}

# Generated values live in the Terraform state as well: the state bucket is encrypted and
# access to it is as sensitive as access to these secrets. Alphanumeric only, so that they
# go into URLs unescaped.
resource "random_password" "django_secret_key" {
  length  = 64
  special = false
}

resource "random_password" "database" {
  length  = 40
  special = false
}

resource "random_password" "redis_auth_token" {
  length  = 64
  special = false
}

locals {
  # name (as in the environment of the containers) => value; null means set by hand.
  generated = {
    SECRET_KEY   = random_password.django_secret_key.result
    DATABASE_URL = "postgres://${var.database_username}:${random_password.database.result}@${var.database_proxy_endpoint}:5432/${var.database_name}?sslmode=require"
    REDIS_URL    = "rediss://:${random_password.redis_auth_token.result}@${var.redis_endpoint}:${var.redis_port}/0?ssl_cert_reqs=required"
    # Migrations bypass RDS Proxy: long DDL transactions would pin a proxy connection anyway.
    DATABASE_URL_DIRECT = "postgres://${var.database_username}:${random_password.database.result}@${var.database_endpoint}:5432/${var.database_name}?sslmode=require"
  }
  # Stripe keys come from the Stripe dashboard; they are put into these secrets by hand
  # (docs/deploy.md), so they never pass through Terraform.
  manual = ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]
}

resource "aws_secretsmanager_secret" "generated" {
  #checkov:skip=CKV2_AWS_57:Values are derived from Terraform-generated passwords; rotation is a Terraform apply plus a redeploy (docs/deploy.md), not a Lambda.
  for_each = toset(keys(local.generated))

  name_prefix             = "${var.name}/${lower(replace(each.key, "_", "-"))}-"
  description             = "${each.key} of ${var.name}"
  kms_key_id              = aws_kms_key.secrets.arn
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "generated" {
  for_each = toset(keys(local.generated))

  secret_id     = aws_secretsmanager_secret.generated[each.key].id
  secret_string = local.generated[each.key]
}

resource "aws_secretsmanager_secret" "manual" {
  #checkov:skip=CKV2_AWS_57:Stripe keys are rolled in the Stripe dashboard and put here by hand (docs/deploy.md).
  for_each = toset(local.manual)

  name_prefix             = "${var.name}/${lower(replace(each.key, "_", "-"))}-"
  description             = "${each.key} of ${var.name}, set by hand from the Stripe dashboard"
  kms_key_id              = aws_kms_key.secrets.arn
  recovery_window_in_days = 7
}

# The credentials RDS Proxy logs in with, in the JSON shape it expects.
resource "aws_secretsmanager_secret" "database_credentials" {
  #checkov:skip=CKV2_AWS_57:The master password is Terraform-generated; rotating it is a Terraform apply plus a redeploy (docs/deploy.md).
  name_prefix             = "${var.name}/database-credentials-"
  description             = "Database user and password that RDS Proxy uses"
  kms_key_id              = aws_kms_key.secrets.arn
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "database_credentials" {
  secret_id = aws_secretsmanager_secret.database_credentials.id
  secret_string = jsonencode({
    username = var.database_username
    password = random_password.database.result
  })
}
