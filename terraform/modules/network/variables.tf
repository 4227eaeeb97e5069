variable "name" {
  description = "Prefix of every resource name (project-environment)."
  type        = string
}

variable "availability_zones" {
  description = "The two availability zones the subnets are spread over, named explicitly so that the set never changes under a running deployment."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) == 2
    error_message = "availability_zones must name exactly two zones."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
}

variable "single_nat_gateway" {
  description = "One NAT gateway shared by both AZs instead of one per AZ."
  type        = bool
}

variable "flow_log_group_arn" {
  description = "ARN of the CloudWatch log group that receives the VPC flow logs."
  type        = string
}
