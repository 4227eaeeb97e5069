output "bucket_name" {
  description = "Name of the private media bucket (AWS_STORAGE_BUCKET_NAME)."
  value       = aws_s3_bucket.media.id
}

output "bucket_arn" {
  description = "ARN of the media bucket, for the task role's policy."
  value       = aws_s3_bucket.media.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts media objects."
  value       = aws_kms_key.media.arn
}

output "cdn_domain" {
  description = "Host name that serves media (AWS_S3_CUSTOM_DOMAIN)."
  value       = aws_route53_record.media.fqdn
}

output "distribution_id" {
  description = "ID of the CloudFront distribution (for invalidations)."
  value       = aws_cloudfront_distribution.media.id
}
