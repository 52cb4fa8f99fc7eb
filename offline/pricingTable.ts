// The cost estimate's price table: offline/pricing.json, with the EKS control plane's prices from
// components/cluster/eks-pricing.json (the program's lifecycle warning quotes the same figures), so
// no price is written twice.
import table from "./pricing.json";
import eks from "../components/cluster/eks-pricing.json";

const pricing = { ...table, eksControlPlaneHourly: eks.eksControlPlaneHourly };
export default pricing;
