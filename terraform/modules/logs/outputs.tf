output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts every log group."
  value       = aws_kms_key.logs.arn
}

output "app_log_group_names" {
  description = "Log group name of each application role, keyed by role."
  value       = { for role, group in aws_cloudwatch_log_group.app : role => group.name }
}

output "exec_log_group_name" {
  description = "Log group of ECS Exec sessions."
  value       = aws_cloudwatch_log_group.exec.name
}

output "flow_log_group_arn" {
  description = "ARN of the VPC flow log group."
  value       = aws_cloudwatch_log_group.flow.arn
}

output "redis_log_group_name" {
  description = "Log group of the Redis slow log."
  value       = aws_cloudwatch_log_group.redis.name
}

output "waf_log_group_arn" {
  description = "ARN of the WAF log group (its name starts with aws-waf-logs-)."
  value       = aws_cloudwatch_log_group.waf.arn
}

output "access_logs_bucket" {
  description = "Bucket that receives ALB, CloudFront and S3 access logs: id and regional domain name."
  value = {
    id          = aws_s3_bucket.access_logs.id
    domain_name = aws_s3_bucket.access_logs.bucket_domain_name
  }
}
