output "arn_suffix" {
  description = "ARN suffix of the load balancer (CloudWatch metric dimension)."
  value       = aws_lb.this.arn_suffix
}

output "dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Route 53 zone ID of the load balancer, for alias records."
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "Security group of the load balancer; tasks accept traffic from it."
  value       = aws_security_group.alb.id
}

output "https_listener_arn" {
  description = "ARN of the HTTPS listener (add tenant custom-domain certificates to it)."
  value       = aws_lb_listener.https.arn
}

output "web_target_group" {
  description = "Target group of the web (gunicorn) service: arn and arn_suffix."
  value = {
    arn        = aws_lb_target_group.web.arn
    arn_suffix = aws_lb_target_group.web.arn_suffix
  }
}

output "asgi_target_group" {
  description = "Target group of the asgi (uvicorn) service: arn and arn_suffix."
  value = {
    arn        = aws_lb_target_group.asgi.arn
    arn_suffix = aws_lb_target_group.asgi.arn_suffix
  }
}
