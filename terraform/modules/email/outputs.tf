output "identity_arn" {
  description = "ARN of the SES domain identity; the task role may send as it."
  value       = aws_ses_domain_identity.this.arn
}

output "dkim_tokens" {
  description = "The three Easy DKIM tokens published as CNAME records."
  value       = aws_ses_domain_dkim.this.dkim_tokens
}
