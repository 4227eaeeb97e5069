variable "domain_name" {
  description = "Apex domain; its public Route 53 hosted zone must already exist."
  type        = string
}

variable "alb_dns_name" {
  description = "DNS name of the application load balancer that the records alias."
  type        = string
}

variable "alb_zone_id" {
  description = "Route 53 zone ID of the application load balancer (for alias records)."
  type        = string
}
