output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts every secret."
  value       = aws_kms_key.secrets.arn
}

output "database_password" {
  description = "Generated master password of the database."
  value       = random_password.database.result
  sensitive   = true
}

output "redis_auth_token" {
  description = "Generated AUTH token of the Redis replication group."
  value       = random_password.redis_auth_token.result
  sensitive   = true
}

output "database_credentials_secret_arn" {
  description = "ARN of the JSON username/password secret that RDS Proxy uses."
  value       = aws_secretsmanager_secret.database_credentials.arn
}

output "app_secret_arns" {
  description = "Secret ARN of each environment variable the long-running services get from Secrets Manager."
  value = {
    SECRET_KEY            = aws_secretsmanager_secret.generated["SECRET_KEY"].arn
    DATABASE_URL          = aws_secretsmanager_secret.generated["DATABASE_URL"].arn
    REDIS_URL             = aws_secretsmanager_secret.generated["REDIS_URL"].arn
    STRIPE_SECRET_KEY     = aws_secretsmanager_secret.manual["STRIPE_SECRET_KEY"].arn
    STRIPE_WEBHOOK_SECRET = aws_secretsmanager_secret.manual["STRIPE_WEBHOOK_SECRET"].arn
  }
}

output "migrate_secret_arns" {
  description = "The same for the migrate task, whose DATABASE_URL points at the instance, not the proxy."
  value = {
    SECRET_KEY            = aws_secretsmanager_secret.generated["SECRET_KEY"].arn
    DATABASE_URL          = aws_secretsmanager_secret.generated["DATABASE_URL_DIRECT"].arn
    REDIS_URL             = aws_secretsmanager_secret.generated["REDIS_URL"].arn
    STRIPE_SECRET_KEY     = aws_secretsmanager_secret.manual["STRIPE_SECRET_KEY"].arn
    STRIPE_WEBHOOK_SECRET = aws_secretsmanager_secret.manual["STRIPE_WEBHOOK_SECRET"].arn
  }
}

output "manual_secret_arns" {
  description = "Secrets whose value is put by hand (Stripe keys), keyed by environment variable."
  value       = { for key, secret in aws_secretsmanager_secret.manual : key => secret.arn }
}
