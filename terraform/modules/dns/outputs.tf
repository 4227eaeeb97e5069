output "zone_id" {
  description = "ID of the public hosted zone of the domain."
  value       = data.aws_route53_zone.this.zone_id
}

output "name_servers" {
  description = "Name servers of the hosted zone, to set at the registrar."
  value       = data.aws_route53_zone.this.name_servers
}

output "certificate_arn" {
  description = "ARN of the validated ACM certificate for the apex and *.<domain>."
  value       = aws_acm_certificate_validation.this.certificate_arn
}
