variable "domain_name" {
  description = "Domain the platform sends email from (the apex domain)."
  type        = string
}

variable "zone_id" {
  description = "Route 53 hosted zone of the domain, for the verification and DKIM records."
  type        = string
}
