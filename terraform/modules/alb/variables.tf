variable "name" {
  description = "Prefix of every resource name (project-environment); at most 27 characters."
  type        = string
}

variable "vpc_id" {
  description = "ID of the VPC."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC; the load balancer may only reach tasks inside it."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets (two AZs) of the load balancer."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ARN of the validated ACM certificate for the apex and *.<domain>."
  type        = string
}

variable "app_port" {
  description = "Port the web and asgi containers listen on."
  type        = number
}

variable "websocket_path_glob" {
  description = "Path pattern routed to the ASGI (WebSocket) target group."
  type        = string
}

variable "access_logs_bucket" {
  description = "Bucket for the load balancer's access logs (id, domain_name)."
  type = object({
    id          = string
    domain_name = string
  })
}

variable "waf_log_group_arn" {
  description = "ARN of the CloudWatch log group (aws-waf-logs-*) for WAF logs."
  type        = string
}

variable "rate_limit_per_5_minutes" {
  description = "Requests one IP may send in five minutes before WAF blocks it."
  type        = number
  default     = 2000
}
